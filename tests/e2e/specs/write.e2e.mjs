// The Write tool with the real text model (SmolLM2 135M on the CPU): the model's text streams
// into the cards token by token, the ranked result fits X's limit, "Use as caption" puts it in
// the post (and in the saved project), and a second run can be cancelled mid-stream.

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { byTestId, screenshot, waitForStudioReady } from './helpers.mjs';

/** A CPU model writing 2-3 variants: generous. */
const WRITE_TIMEOUT = 180_000;
const TOPIC = 'Sunrise coffee at the beach';

const CARD = byTestId('write-card');
const BEST = `${CARD}[data-rank="0"]`;

/** The state line's `data-state` (running, completed, cancelled, failed), or null when absent. */
async function writeState() {
  return browser.execute(() => document.querySelector('[data-testid="write-state"]')?.dataset.state ?? null);
}

/** What the panel shows: state, its text, the error (if any) and each card. */
async function panel() {
  return browser.execute(() => {
    const text = (el) => (el?.textContent ?? '').trim();
    return {
      state: document.querySelector('[data-testid="write-state"]')?.dataset.state ?? null,
      stateText: text(document.querySelector('[data-testid="write-state"]')),
      error: document.querySelector('[data-testid="write-error"]') ? text(document.querySelector('[data-testid="write-error"]')) : null,
      cancel: document.querySelector('[data-testid="write-cancel"]') !== null,
      cards: Array.from(document.querySelectorAll('[data-testid="write-card"]'), (card) => {
        const count = card.querySelector('[data-testid="write-count"]');
        return {
          variant: Number(card.dataset.variant),
          rank: card.dataset.rank === undefined ? null : Number(card.dataset.rank),
          state: card.dataset.state,
          text: text(card.querySelector('[data-testid="write-card-text"]')),
          count: count ? Number(count.dataset.count) : null,
          limit: count ? Number(count.dataset.limit) : null,
        };
      }),
    };
  });
}

/** Waits until the job ended (the state line leaves `running`); returns the panel then. */
async function waitForEnd(what) {
  await browser.waitUntil(async () => !['running', null].includes(await writeState()), {
    timeout: WRITE_TIMEOUT,
    interval: 250,
    timeoutMsg: `${what} did not end within ${WRITE_TIMEOUT / 1000} s: ${JSON.stringify(await panel())}`,
  });
  return panel();
}

/**
 * Records in the page, at every change of the Write panel's DOM, the cards' states and text
 * lengths and whether Cancel is shown: proof of streaming that does not depend on polling
 * through WebDriver fast enough.
 */
async function startTrace() {
  await browser.execute(() => {
    const root = document.querySelector('[data-testid="write-panel"]');
    const snap = () => ({
      cancel: document.querySelector('[data-testid="write-cancel"]') !== null,
      cards: Array.from(root.querySelectorAll('[data-testid="write-card"]'), (card) => ({
        variant: card.dataset.variant,
        state: card.dataset.state,
        length: (card.querySelector('[data-testid="write-card-text"]')?.textContent ?? '').trim().length,
      })),
    });
    window.__writeTrace?.observer.disconnect();
    const trace = { snaps: [snap()], observer: null };
    trace.observer = new MutationObserver(() => {
      if (trace.snaps.length < 20_000) trace.snaps.push(snap());
    });
    trace.observer.observe(root, { subtree: true, childList: true, characterData: true, attributes: true });
    window.__writeTrace = trace;
  });
}

async function stopTrace() {
  return browser.execute(() => {
    const trace = window.__writeTrace;
    trace.observer.disconnect();
    return trace.snaps;
  });
}

/** The project's saved post (the engine autosaves shortly after each change). */
function savedPost(dir) {
  const file = path.join(dir, 'post.json');
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')).post : null;
}

const projectName = async () =>
  browser.execute(() => document.querySelector('[data-testid="project-name"]')?.textContent?.trim() ?? '');

describe('Write: caption for X, streamed, used, and a cancelled run', () => {
  before(async () => {
    await waitForStudioReady();
    await $(byTestId('tool-write')).click();
    await expect($(byTestId('write-panel'))).toBeDisplayed();
    // The text model must have loaded (app_status loads it); otherwise say why.
    const problem = await $(byTestId('write-setup-problem'));
    if (await problem.isExisting()) throw new Error(`the Write tool is not ready: ${await problem.getText()}`);
  });

  it('streams two caption variants for X token by token, then shows them ranked within 280', async function () {
    this.timeout(WRITE_TIMEOUT + 60_000);
    await $(byTestId('write-tool-select')).selectByAttribute('value', 'caption');
    await $(byTestId('write-platform')).selectByAttribute('value', 'x');
    await expect($(byTestId('write-platform'))).toHaveValue('x');
    await $(byTestId('write-topic')).setValue(TOPIC);
    const variants = await $(byTestId('write-variants'));
    await variants.clearValue();
    await variants.addValue('2');
    await expect(variants).toHaveValue('2');
    await expect($(byTestId('write-field-error'))).not.toBeExisting();
    await expect($(byTestId('write-generate'))).toBeEnabled();

    await startTrace();
    const startedAt = Date.now();
    await $(byTestId('write-generate')).click();
    // Seen through WebDriver too: a card with text while the job still runs.
    await browser.waitUntil(
      async () => {
        const now = await panel();
        return now.state !== 'running' || now.cards.some((c) => c.state === 'streaming' && c.text.length > 0);
      },
      { timeout: WRITE_TIMEOUT, interval: 50, timeoutMsg: 'no streamed text appeared' },
    );
    const ended = await waitForEnd('the caption job');
    const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
    const snaps = await stopTrace();
    expect(ended.error).toBeNull();
    expect(ended.state).toBe('completed');

    // Streaming: text appeared in a card, and grew, while Cancel was still offered and before
    // any written (final) card existed.
    const firstFinal = snaps.findIndex((s) => s.cards.some((c) => c.state === 'final'));
    expect(firstFinal).toBeGreaterThan(0);
    const streamed = snaps
      .slice(0, firstFinal)
      .filter((s) => s.cancel)
      .flatMap((s) => s.cards.filter((c) => c.state === 'streaming' && c.length > 0));
    expect(streamed.length).toBeGreaterThan(0);
    const lengths = new Map();
    for (const card of streamed) lengths.set(card.variant, new Set([...(lengths.get(card.variant) ?? []), card.length]));
    const growth = Math.max(...[...lengths.values()].map((set) => set.size));
    // Token by token: at least three different lengths of one variant's text on screen.
    expect(growth).toBeGreaterThanOrEqual(3);
    console.log(`write: 2 variants in ${seconds} s, ${snaps.length} DOM changes, up to ${growth} streamed lengths per card`);

    // The result: two cards, ranked, the best within X's limit and not empty.
    expect(ended.cards).toHaveLength(2);
    expect(ended.cards.map((c) => c.state)).toEqual(['final', 'final']);
    expect(ended.cards.map((c) => c.rank)).toEqual([0, 1]);
    expect(new Set(ended.cards.map((c) => c.variant))).toEqual(new Set([0, 1]));
    const best = ended.cards[0];
    expect(best.text.length).toBeGreaterThan(0);
    expect(best.limit).toBe(280);
    expect(best.count).toBeGreaterThan(0);
    expect(best.count).toBeLessThanOrEqual(280);
    await expect($(`${BEST} ${byTestId('write-count')}`)).toHaveText(expect.stringMatching(/^\d+ \/ 280/));
    expect(ended.stateText).toBe('Done: 2 captions, best first');
    await screenshot('write-caption');
  });

  it('puts the best caption into the post with "Use as caption"', async () => {
    const bestText = await browser.execute(
      (sel) => (document.querySelector(sel)?.textContent ?? '').trim(),
      `${BEST} ${byTestId('write-card-text')}`,
    );
    expect(bestText.length).toBeGreaterThan(0);
    await $(`${BEST} ${byTestId('write-use-caption')}`).click();
    const box = await $(byTestId('post-caption'));
    await browser.waitUntil(async () => (await box.getValue()).trim() === bestText, {
      timeout: 20_000,
      timeoutMsg: `the caption box never showed the caption: "${await box.getValue()}" vs "${bestText}"`,
    });
    // The count is the engine's (count_text), asked for when the caption changed.
    const count = await $(byTestId('post-caption-count'));
    const settledCount = async () =>
      (await count.getAttribute('data-pending')) === 'false' ? Number(await count.getAttribute('data-count')) : null;
    const caption = await box.getValue();
    await browser.waitUntil(async () => ((await settledCount()) ?? 0) > 0, {
      timeout: 10_000,
      timeoutMsg: `the caption box never showed the engine's count: ${await count.getText()}`,
    });
    const first = await settledCount();
    if ((await count.getAttribute('data-limit')) === '2200') {
      // The project is an Instagram post: Instagram counts code points.
      expect(first).toBe([...caption].length);
    }

    // The engine has it: the autosaved project carries the caption.
    const dir = path.join(process.env.POSTCRAFT_PROJECTS_DIR, await projectName());
    let post = null;
    await browser.waitUntil(
      async () => {
        post = savedPost(dir);
        return post !== null && post.caption.trim() === bestText;
      },
      { timeout: 20_000, interval: 100, timeoutMsg: `the saved project never got the caption: ${JSON.stringify(post?.caption)}` },
    );

    // Typing in the box: the count follows (after a pause, from the engine).
    await box.addValue(' #coffee');
    await browser.waitUntil(async () => (await settledCount()) === first + 8, {
      timeout: 10_000,
      timeoutMsg: `the count did not follow the typing: ${await count.getText()} (was ${first})`,
    });
  });

  it('cancels a running generation: cancelled, no error, nothing moves afterwards', async function () {
    this.timeout(WRITE_TIMEOUT + 60_000);
    // A draft is the longest job (hundreds of tokens), so Cancel lands while the model writes.
    await $(byTestId('write-tool-select')).selectByAttribute('value', 'draft');
    await $(byTestId('write-topic')).setValue(TOPIC);
    const variants = await $(byTestId('write-variants'));
    await variants.clearValue();
    await variants.addValue('3');
    await $(byTestId('write-generate')).click();
    await browser.waitUntil(
      async () => {
        const now = await panel();
        return now.state !== 'running' || now.cards.some((c) => c.state === 'streaming' && c.text.length > 0);
      },
      { timeout: WRITE_TIMEOUT, interval: 50, timeoutMsg: 'the draft never started streaming' },
    );
    expect(await writeState()).toBe('running');
    await $(byTestId('write-cancel')).click();
    const ended = await waitForEnd('the cancelled draft');

    expect(ended.state).toBe('cancelled');
    expect(ended.stateText).toMatch(/^Cancelled/);
    expect(ended.error).toBeNull();
    await expect($(byTestId('write-error'))).not.toBeExisting();
    await expect($(byTestId('write-cancel'))).not.toBeExisting();
    expect(ended.cards.length).toBe(3);
    expect(ended.cards.every((c) => c.state === 'stopped')).toBe(true);
    await expect($(byTestId('write-use-caption'))).not.toBeExisting();
    await browser.pause(1500);
    expect(await panel()).toEqual(ended);
    await expect($(byTestId('write-generate'))).toBeEnabled();
    await screenshot('write-cancelled');
  });
});
