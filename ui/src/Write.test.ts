/**
 * The Write tool against the fake backend (src/test/backend.ts): the form's request, the streamed
 * text, the ranked result, cancel, errors, and what the cards do to the post (caption, text
 * layer, alt text) through the same edit path as the editor.
 */
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { tick } from 'svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';

import App from './App.svelte';
import type { WriteRequest } from './lib/ipc';
import {
  faceModel,
  image,
  installProjectBackend,
  layer,
  PLATFORMS,
  readyStatus,
  removeBackend,
  shape,
  stubCanvas,
  textModel,
  writeJobEvents,
  writeResult,
  writeVariant,
  type FakeBackendOptions,
  type FakeProjectOptions,
} from './test/backend';

// Job events are applied once per frame: wait past it, then let Svelte render.
const frame = async () => {
  await new Promise((r) => setTimeout(r, 40));
  await tick();
};

afterEach(() => {
  removeBackend();
});

const LAYERS = [layer(1, image('assets/dog.png'), { name: 'Dog photo' }), layer(2, shape(), { name: 'Box' })];

async function renderWrite(options: FakeProjectOptions = {}, faceOptions: FakeBackendOptions = {}) {
  const backend = installProjectBackend({ layers: LAYERS, ...options }, faceOptions);
  stubCanvas();
  render(App);
  await waitFor(() => expect(screen.getByTestId('runtime-status').textContent).not.toMatch(/checking/));
  await waitFor(() => expect(screen.getByTestId('project-name').textContent).toContain('My post'));
  await fireEvent.click(screen.getByTestId('tool-write'));
  return backend;
}

const byId = <T extends HTMLElement = HTMLElement>(id: string) => screen.getByTestId<T>(id);
const generateButton = () => byId<HTMLButtonElement>('write-generate');
const cards = () => screen.queryAllByTestId('write-card');
const cardTexts = () => cards().map((c) => within(c).getByTestId('write-card-text').textContent?.trim());

async function type(id: string, value: string) {
  await fireEvent.input(byId(id), { target: { value } });
}

async function pick(id: string, value: string) {
  await fireEvent.change(byId(id), { target: { value } });
}

/** Fills a caption request for X: topic, 2 variants, seed 7. */
async function fillCaption() {
  await pick('write-platform', 'x');
  await type('write-topic', 'Sunset at the beach');
  await type('write-variants', '2');
  await type('write-seed', '7');
}

const CAPTION: WriteRequest = {
  tool: 'caption',
  platform: 'x',
  topic: 'Sunset at the beach',
  keywords: [],
  tone: '',
  text: '',
  shorter: false,
  variants: 2,
  seed: 7,
  temperature: null,
};

const RESULT = writeResult(CAPTION, [
  writeVariant(1, 'Golden hour on the sand. #sunset', { count: 32, score: 0.9, hashtags: ['#sunset'] }),
  writeVariant(0, 'The sun says goodnight to the sea.', { count: 34, score: 0.6, trimmed: true }),
]);

describe('the Write tab', () => {
  it('is a tool of the rail; its panel replaces the others', async () => {
    await renderWrite();
    expect(byId('tool-write').getAttribute('aria-pressed')).toBe('true');
    expect(byId('write-panel').hidden).toBe(false);
    expect(screen.getByTestId('layers-panel').hidden).toBe(true);
    // Nothing asked yet: Generate waits for a topic, without scolding.
    expect(generateButton().disabled).toBe(true);
    expect(screen.queryByTestId('write-field-error')).toBeNull();
  });

  it("defaults the platform to the project's preset's", async () => {
    await renderWrite();
    expect(byId<HTMLSelectElement>('write-platform').value).toBe('instagram');
    expect(byId('post-caption-count').dataset.limit).toBe('2200');
  });

  it("lists the engine's platforms (platforms_list), once", async () => {
    const backend = await renderWrite();
    const options = [...byId<HTMLSelectElement>('write-platform').options];
    expect(options.map((o) => o.value)).toEqual(PLATFORMS.map((p) => p.id));
    expect(options.find((o) => o.value === 'instagram')?.textContent).toBe('Instagram (this post)');
    await fireEvent.click(byId('tool-canvas'));
    await fireEvent.click(byId('tool-write'));
    expect(backend.commands.filter((c) => c === 'platforms_list')).toHaveLength(1);
  });

  it('says when the platforms could not be listed, and asks again when the tab opens', async () => {
    const backend = await renderWrite({}, { platformsError: { code: 'INTERNAL', message: 'the engine task stopped' } });
    await waitFor(() => expect(byId('write-platform-error').textContent).toContain('the engine task stopped'));
    expect(byId<HTMLSelectElement>('write-platform').disabled).toBe(true);
    await type('write-topic', 'coffee');
    expect(generateButton().disabled).toBe(true);
    backend.setPlatformsError(null);
    await fireEvent.click(byId('tool-canvas'));
    await fireEvent.click(byId('tool-write'));
    await waitFor(() => expect(byId<HTMLSelectElement>('write-platform').value).toBe('instagram'));
    expect(screen.queryByTestId('write-platform-error')).toBeNull();
    expect(generateButton().disabled).toBe(false);
    expect(backend.commands.filter((c) => c === 'platforms_list').length).toBeGreaterThanOrEqual(2);
  });

  it('explains a missing text model and keeps Generate off', async () => {
    await renderWrite({}, {
      status: readyStatus({
        models: [faceModel(), textModel({ loaded: false, error: { code: 'MODEL_MISSING', message: 'smollm2-135m.onnx is missing.' } })],
      }),
    });
    await type('write-topic', 'coffee');
    expect(byId('write-setup-problem').textContent).toContain('smollm2-135m.onnx is missing.');
    expect(byId('write-setup-problem').textContent).toContain('./scripts/run');
    expect(generateButton().disabled).toBe(true);
  });
});

describe('the request', () => {
  it('sends the fields of a caption', async () => {
    const backend = await renderWrite();
    await fillCaption();
    await type('write-keywords', 'golden, waves');
    await pick('write-tone', '__custom__');
    await type('write-tone-custom', 'dreamy');
    await fireEvent.click(generateButton());
    expect(backend.lastWrite().request).toEqual({ ...CAPTION, keywords: ['golden', 'waves'], tone: 'dreamy' });
  });

  it('sends a rewrite with its text and "shorter", and only what the tool shows', async () => {
    const backend = await renderWrite();
    await type('write-topic', 'left over from the caption tool');
    await pick('write-tool-select', 'rewrite');
    expect(screen.queryByTestId('write-topic')).toBeNull();
    await type('write-text', 'We are thrilled to announce our new summer menu!');
    await fireEvent.click(byId('write-shorter'));
    await pick('write-tone', 'professional');
    await fireEvent.click(generateButton());
    expect(backend.lastWrite().request).toMatchObject({
      tool: 'rewrite',
      platform: 'instagram',
      topic: '',
      keywords: [],
      tone: 'professional',
      text: 'We are thrilled to announce our new summer menu!',
      shorter: true,
      variants: 3,
      seed: 42,
    });
  });

  it('says what is missing once Generate is pressed', async () => {
    const backend = await renderWrite();
    await pick('write-tool-select', 'alt-text');
    await fireEvent.submit(generateButton().form!);
    expect(byId('write-field-error').textContent).toBe('Describe the image.');
    await type('write-text', 'a dog');
    await type('write-variants', '9');
    expect(byId('write-field-error').textContent).toBe('Variants must be from 1 to 6.');
    expect(generateButton().disabled).toBe(true);
    expect(backend.writeCalls).toHaveLength(0);
  });

  it('rolls a new seed with the dice', async () => {
    await renderWrite();
    await fireEvent.click(byId('write-random-seed'));
    expect(byId<HTMLInputElement>('write-seed').value).not.toBe('42');
  });
});

describe('the job', () => {
  it('streams text into one card per variant, then shows the result best first', async () => {
    const backend = await renderWrite();
    await fillCaption();
    await fireEvent.click(generateButton());
    // Two cards at once, empty, streaming; Cancel offered.
    expect(cards().map((c) => c.dataset.state)).toEqual(['streaming', 'streaming']);
    expect(screen.getByTestId('write-cancel')).toBeTruthy();
    expect(byId('write-state').textContent).toBe('Writing 2 captions…');

    const call = backend.lastWrite();
    const events = writeJobEvents(call.jobId, ['The sun says goodnight', 'Golden hour'], RESULT);
    const written = events.findIndex((e) => e.event === 'written');
    call.emit(...events.slice(0, 3)); // started, then "The " and "Gold"
    await frame();
    expect(cardTexts()).toEqual(['The', 'Gold']);
    call.emit(...events.slice(3, written));
    await frame();
    expect(cardTexts()).toEqual(['The sun says goodnight', 'Golden hour']);
    expect(cards().map((c) => c.dataset.variant)).toEqual(['0', '1']);
    expect(screen.queryAllByTestId('write-count')).toHaveLength(0);

    call.emit(...events.slice(written));
    await frame();
    expect(cards().map((c) => [c.dataset.variant, c.dataset.rank, c.dataset.state])).toEqual([
      ['1', '0', 'final'],
      ['0', '1', 'final'],
    ]);
    expect(cardTexts()).toEqual(['Golden hour on the sand. #sunset', 'The sun says goodnight to the sea.']);
    const counts = screen.getAllByTestId('write-count');
    expect(counts.map((c) => c.textContent?.trim())).toEqual(['32 / 280', '34 / 280 · trimmed']);
    expect(counts.map((c) => c.dataset.trimmed)).toEqual(['false', 'true']);
    expect(within(cards()[0]!).getAllByTestId('write-hashtag').map((c) => c.textContent)).toEqual(['#sunset']);
    expect(byId('write-state').textContent).toBe('Done: 2 captions, best first');
    expect(screen.queryByTestId('write-cancel')).toBeNull();
    expect(screen.queryByTestId('write-error')).toBeNull();
  });

  it('shows a draft as numbered posts', async () => {
    const backend = await renderWrite();
    await pick('write-tool-select', 'draft');
    await type('write-topic', 'Why we bake at night');
    await type('write-variants', '1');
    await fireEvent.click(generateButton());
    const call = backend.lastWrite();
    const parts = ['We bake at night.', 'The dough rests all day.', 'Come by at six.'];
    const result = writeResult(call.request, [writeVariant(0, parts.join('\n\n'), { parts, count: 24, limit: 2200 })]);
    call.emit(...writeJobEvents(call.jobId, [parts.join('\n\n')], result));
    await frame();
    expect(within(cards()[0]!).getAllByTestId('write-part').map((p) => p.textContent)).toEqual(parts);
    expect(byId('write-count').textContent?.trim()).toBe('longest 24 / 2,200');
  });

  it('shows hashtags as chips and adds them to the caption', async () => {
    const backend = await renderWrite({ caption: 'Golden hour.' });
    await pick('write-tool-select', 'hashtags');
    await type('write-topic', 'sunset');
    await type('write-variants', '1');
    await fireEvent.click(generateButton());
    const call = backend.lastWrite();
    const tags = ['#sunset', '#beach', '#goldenhour'];
    call.emit(...writeJobEvents(call.jobId, ['#sunset #beach #goldenhour'], writeResult(call.request, [writeVariant(0, tags.join(' '), { hashtags: tags })])));
    await frame();
    expect(screen.getAllByTestId('write-hashtag').map((c) => c.textContent)).toEqual(tags);
    expect(byId('write-card-text').textContent?.trim()).toBe('#sunset #beach #goldenhour');
    expect(byId('write-use-caption').textContent).toContain('Add to caption');
    await fireEvent.click(byId('write-use-caption'));
    await waitFor(() => expect(byId<HTMLTextAreaElement>('post-caption').value).toBe('Golden hour.\n\n#sunset #beach #goldenhour'));
    expect(backend.editCalls.at(-1)).toEqual({
      edits: [{ edit: 'set-caption', text: 'Golden hour.\n\n#sunset #beach #goldenhour' }],
      gesture: null,
    });
  });

  it('cancels: the job is asked to stop, and the panel says so without an error', async () => {
    const backend = await renderWrite();
    await fillCaption();
    await fireEvent.click(generateButton());
    const call = backend.lastWrite();
    call.emit({ event: 'started', jobId: call.jobId, total: 2 }, { event: 'textDelta', jobId: call.jobId, variant: 0, text: 'Half a th' });
    await frame();
    await fireEvent.click(byId('write-cancel'));
    expect(backend.cancelCalls).toEqual([call.jobId]);
    expect(byId<HTMLButtonElement>('write-cancel').disabled).toBe(true);
    call.emit({ event: 'finished', jobId: call.jobId, done: 0, outcome: { state: 'cancelled' } });
    await frame();
    expect(byId('write-state').textContent).toBe('Cancelled: nothing was written');
    expect(byId('write-state').dataset.state).toBe('cancelled');
    expect(screen.queryByTestId('write-error')).toBeNull();
    expect(screen.queryByTestId('write-cancel')).toBeNull();
    expect(cards().map((c) => c.dataset.state)).toEqual(['stopped', 'stopped']);
    expect(screen.queryAllByTestId('write-use-caption')).toHaveLength(0);
    expect(generateButton().disabled).toBe(false);
  });

  it('a new Generate supersedes the running job: it is cancelled and its text ignored', async () => {
    const backend = await renderWrite();
    await fillCaption();
    await fireEvent.click(generateButton());
    const first = backend.lastWrite();
    await fireEvent.click(generateButton());
    const second = backend.lastWrite();
    expect(second.jobId).not.toBe(first.jobId);
    expect(backend.cancelCalls).toEqual([first.jobId]);
    first.emit({ event: 'textDelta', jobId: first.jobId, variant: 0, text: 'stale' });
    second.emit({ event: 'textDelta', jobId: second.jobId, variant: 0, text: 'fresh' });
    await frame();
    expect(cardTexts()).toEqual(['fresh', '']);
  });

  it('Regenerate writes again with a new seed', async () => {
    const backend = await renderWrite();
    await fillCaption();
    await fireEvent.click(generateButton());
    const call = backend.lastWrite();
    call.emit(...writeJobEvents(call.jobId, ['a', 'b'], RESULT));
    await frame();
    await fireEvent.click(byId('write-regenerate'));
    expect(backend.writeCalls).toHaveLength(2);
    const again = backend.lastWrite().request;
    expect({ ...again, seed: 7 }).toEqual(CAPTION);
    expect(again.seed).not.toBe(7);
  });

  it('shows a refused request in words, with what to do', async () => {
    await renderWrite({}, { writeError: { code: 'MODEL_MISSING', message: 'The text model smollm2-135m is not installed.' } });
    await fillCaption();
    await fireEvent.click(generateButton());
    await waitFor(() => expect(screen.getByTestId('write-error')).toBeTruthy());
    const error = byId('write-error');
    expect(error.dataset.code).toBe('MODEL_MISSING');
    expect(error.textContent).toContain('The text model smollm2-135m is not installed.');
    expect(error.textContent).toContain('./scripts/run');
    expect(cards().map((c) => c.dataset.state)).toEqual(['stopped', 'stopped']);
  });

  it('shows a job that failed in words', async () => {
    const backend = await renderWrite();
    await fillCaption();
    await fireEvent.click(generateButton());
    const call = backend.lastWrite();
    call.emit({
      event: 'finished',
      jobId: call.jobId,
      done: 0,
      outcome: { state: 'failed', error: { code: 'INFERENCE_FAILED', message: 'The text model failed to run.' } },
    });
    await frame();
    expect(byId('write-error').textContent).toContain('The text model failed to run.');
    expect(byId('write-error').textContent).toContain('fewer variants');
  });
});

describe('using the words', () => {
  async function written(backend: Awaited<ReturnType<typeof renderWrite>>, result = RESULT) {
    await fillCaption();
    await fireEvent.click(generateButton());
    const call = backend.lastWrite();
    call.emit(...writeJobEvents(call.jobId, ['x', 'y'], result));
    await frame();
  }

  it('"Use as caption" sets the caption as one undoable edit, shown in the caption box', async () => {
    const backend = await renderWrite();
    await written(backend);
    const before = backend.editCalls.length;
    await fireEvent.click(screen.getAllByTestId('write-use-caption')[0]!);
    await waitFor(() => expect(byId<HTMLTextAreaElement>('post-caption').value).toBe('Golden hour on the sand. #sunset'));
    expect(backend.editCalls.slice(before)).toEqual([
      { edits: [{ edit: 'set-caption', text: 'Golden hour on the sand. #sunset' }], gesture: null },
    ]);
    await waitFor(() => expect(byId('post-caption-count').dataset.count).toBe('32'));
    expect(backend.countCalls.at(-1)).toEqual({ text: 'Golden hour on the sand. #sunset', platform: 'instagram' });
    await fireEvent.click(byId('undo'));
    await waitFor(() => expect(byId<HTMLTextAreaElement>('post-caption').value).toBe(''));
  });

  it('"Add as text layer" adds the words to the canvas', async () => {
    const backend = await renderWrite();
    await written(backend);
    await fireEvent.click(screen.getAllByTestId('write-add-text')[1]!);
    await waitFor(() => expect(backend.view().post.layers).toHaveLength(3));
    const added = backend.calls.find((c) => c.cmd === 'add_layer')?.args.request as { content: { type: string; text: string } };
    expect(added.content).toMatchObject({ type: 'text', text: 'The sun says goodnight to the sea.' });
  });

  it('"Set as alt text" needs a selected image layer, then sets its alt text', async () => {
    const backend = await renderWrite();
    await pick('write-tool-select', 'alt-text');
    await type('write-text', 'a dog on a red sofa');
    await type('write-variants', '1');
    await fireEvent.click(generateButton());
    const call = backend.lastWrite();
    call.emit(...writeJobEvents(call.jobId, ['A dog'], writeResult(call.request, [writeVariant(0, 'A brown dog asleep on a red sofa.')])));
    await frame();
    expect(screen.queryByTestId('write-use-caption')).toBeNull();
    expect(byId<HTMLButtonElement>('write-set-alt').disabled).toBe(true);
    expect(byId('write-alt-reason').textContent).toContain('Select an image layer');

    // Select the shape: still not an image.
    await fireEvent.click(byId('tool-canvas'));
    await fireEvent.click(within(byId('layer-row-2')).getByTitle(/select/));
    await fireEvent.click(byId('tool-write'));
    expect(byId<HTMLButtonElement>('write-set-alt').disabled).toBe(true);

    await fireEvent.click(byId('tool-canvas'));
    await fireEvent.click(within(byId('layer-row-1')).getByTitle(/select/));
    await fireEvent.click(byId('tool-write'));
    expect(screen.queryByTestId('write-alt-reason')).toBeNull();
    await fireEvent.click(byId('write-set-alt'));
    await waitFor(() => expect(backend.view().post.layers[0]?.alt_text).toBe('A brown dog asleep on a red sofa.'));
    expect(backend.editCalls.at(-1)).toEqual({
      edits: [{ edit: 'set-alt-text', id: 1, text: 'A brown dog asleep on a red sofa.' }],
      gesture: null,
    });
  });

  it('copies the text', async () => {
    const writeText = vi.fn(() => Promise.resolve());
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } });
    const backend = await renderWrite();
    await written(backend);
    await fireEvent.click(screen.getAllByTestId('write-copy')[0]!);
    expect(writeText).toHaveBeenCalledWith('Golden hour on the sand. #sunset');
    await waitFor(() => expect(screen.getAllByTestId('write-copy')[0]!.textContent).toContain('Copied'));
  });
});

describe('the caption box', () => {
  it("shows the post's caption with the engine's count for the platform", async () => {
    const backend = await renderWrite({ caption: 'Hello there' });
    expect(byId<HTMLTextAreaElement>('post-caption').value).toBe('Hello there');
    await waitFor(() => expect(byId('post-caption-count').dataset.count).toBe('11'));
    expect(byId('post-caption-count').textContent?.trim()).toBe('11 / 2,200');
    expect(byId('post-caption-count').dataset.pending).toBe('false');
    expect(backend.countCalls).toEqual([{ text: 'Hello there', platform: 'instagram' }]);
  });

  it("counts as X does on an X post (the engine's weighting), and marks it over the limit", async () => {
    const long = `${'日本語'.repeat(46)} see https://example.com/a/very/long/path`;
    await renderWrite({ caption: long, preset: 'x-landscape' });
    const count = byId('post-caption-count');
    await waitFor(() => expect(count.dataset.count).toBe(String(46 * 6 + 5 + 23)));
    expect(count.dataset.limit).toBe('280');
    expect(count.textContent?.trim()).toBe('304 / 280');
    expect(count.classList.contains('over')).toBe(true);
    expect(count.title).toBe('As X counts it');
  });

  it('keeps the last count while the next is on its way, and never holds up typing', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const backend = await renderWriteWithFakeTimers({ caption: 'Hi' }, { holdCounts: true });
      backend.releaseCounts();
      await vi.advanceTimersByTimeAsync(10);
      const count = byId('post-caption-count');
      expect(count.dataset.count).toBe('2');
      const box = byId<HTMLTextAreaElement>('post-caption');
      await fireEvent.focus(box);
      await fireEvent.input(box, { target: { value: 'Hi t' } });
      await fireEvent.input(box, { target: { value: 'Hi there' } });
      // The box shows what was typed at once; the count waits for a pause, then for the engine.
      expect(box.value).toBe('Hi there');
      expect(count.dataset.count).toBe('2');
      expect(count.dataset.pending).toBe('true');
      await vi.advanceTimersByTimeAsync(200);
      expect(backend.countCalls.map((c) => c.text)).toEqual(['Hi', 'Hi there']);
      await fireEvent.input(box, { target: { value: 'Hi there you' } });
      await vi.advanceTimersByTimeAsync(200);
      // One request in flight: the newest text waits for its answer.
      expect(backend.countCalls).toHaveLength(2);
      expect(count.dataset.count).toBe('2');
      backend.releaseCounts();
      await vi.advanceTimersByTimeAsync(10);
      expect(backend.countCalls.map((c) => c.text)).toEqual(['Hi', 'Hi there', 'Hi there you']);
      expect(count.dataset.count).toBe('8');
      backend.releaseCounts();
      await vi.advanceTimersByTimeAsync(10);
      expect(count.dataset.count).toBe('12');
      expect(count.dataset.pending).toBe('false');
      await fireEvent.blur(box);
      await vi.advanceTimersByTimeAsync(50);
    } finally {
      vi.useRealTimers();
    }
  });

  it('applies typing as SetCaption edits of one gesture per visit (one undo step)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const backend = await renderWriteWithFakeTimers();
      const box = byId<HTMLTextAreaElement>('post-caption');
      await fireEvent.focus(box);
      await fireEvent.input(box, { target: { value: 'Hel' } });
      await fireEvent.input(box, { target: { value: 'Hello' } });
      expect(backend.editCalls).toHaveLength(0);
      await vi.advanceTimersByTimeAsync(700);
      await fireEvent.input(box, { target: { value: 'Hello world' } });
      await fireEvent.blur(box);
      await vi.advanceTimersByTimeAsync(50);
      const captions = backend.editCalls.map((c) => [c.edits, c.gesture]);
      expect(captions).toHaveLength(2);
      expect(captions.map(([edits]) => edits)).toEqual([
        [{ edit: 'set-caption', text: 'Hello' }],
        [{ edit: 'set-caption', text: 'Hello world' }],
      ]);
      const gestures = backend.editCalls.map((c) => c.gesture);
      expect(gestures[0]).toMatch(/^caption-\d+$/);
      expect(gestures[1]).toBe(gestures[0]);
      expect(backend.view().post.caption).toBe('Hello world');
      expect(backend.view().canUndo).toBe(true);
      // One undo step for the whole visit.
      await fireEvent.click(byId('undo'));
      await vi.advanceTimersByTimeAsync(50);
      expect(backend.view().post.caption).toBe('');
      expect(byId<HTMLTextAreaElement>('post-caption').value).toBe('');
    } finally {
      vi.useRealTimers();
    }
  });
});

/** renderWrite for tests that fake the timers (waitFor polls with them). */
async function renderWriteWithFakeTimers(options: FakeProjectOptions = {}, faceOptions: FakeBackendOptions = {}) {
  const backend = installProjectBackend({ layers: LAYERS, ...options }, faceOptions);
  stubCanvas();
  render(App);
  for (let i = 0; i < 20 && !screen.queryByTestId('write-panel')?.isConnected; i++) await vi.advanceTimersByTimeAsync(10);
  for (let i = 0; i < 50 && backend.calls.every((c) => c.cmd !== 'project_current'); i++) await vi.advanceTimersByTimeAsync(10);
  await vi.advanceTimersByTimeAsync(50);
  await fireEvent.click(byId('tool-write'));
  return backend;
}
