// Cancelling a long job: it stops, says so, and nothing changes after it said so.

import {
  byTestId,
  faceCount,
  jobStateText,
  screenshot,
  typeNumber,
  waitForJobState,
  waitForStudioReady,
} from './helpers.mjs';

const COUNT = 1024;

/** aria-valuenow of the progress bar, or null while there is none. */
async function progressNow() {
  const bar = await $(byTestId('job-progress'));
  if (!(await bar.isExisting())) return null;
  const value = await bar.getAttribute('aria-valuenow');
  return value === null ? null : Number(value);
}

/** "Cancelled after N of M" -> { done: N, total: M }. */
function parseCancelled(text) {
  const match = /^Cancelled after (\d+) of (\d+)$/.exec(text.trim());
  if (!match) throw new Error(`unexpected job state "${text}"`);
  return { done: Number(match[1]), total: Number(match[2]) };
}

/**
 * What the UI shows about the ended job. The progress bar is rendered only while a job runs
 * (ImagePanel.svelte: `{#if running}`), so after a cancel the progress the UI still shows is
 * the "Cancelled after N of M" state line; a bar still present is read as well.
 */
async function snapshot() {
  const state = await jobStateText();
  return { faces: await faceCount(), state, progress: parseCancelled(state), bar: await progressNow() };
}

describe('Cancelling a face job', () => {
  before(async () => {
    await waitForStudioReady();
  });

  it(`stops a ${COUNT}-face job and nothing moves afterwards`, async () => {
    await typeNumber('face-count', COUNT);
    await $(byTestId('generate-button')).click();

    const bar = await $(byTestId('job-progress'));
    await bar.waitForExist({ timeout: 30_000 });
    await expect(bar).toHaveAttribute('aria-valuemax', String(COUNT));
    await browser.waitUntil(async () => ((await progressNow()) ?? -1) >= 3, {
      timeout: 60_000,
      interval: 25,
      timeoutMsg: `progress never reached 3 (aria-valuenow ${await progressNow()}, state "${await jobStateText()}")`,
    });

    const atClick = await progressNow();
    const clickedAt = Date.now();
    await $(byTestId('cancel-button')).click();
    await waitForJobState('Cancelled');
    const cancelMs = Date.now() - clickedAt;

    const before = await snapshot();
    await browser.pause(1500);
    const after = await snapshot();
    await screenshot('cancelled');
    // Diagnostics only: how far the job got between the click and the stop.
    console.log(`cancel: clicked at ${atClick}/${COUNT}, stopped at ${before.progress.done}, "Cancelled" after ${cancelMs} ms`);

    expect(after).toEqual(before);
    expect(before.progress.total).toBe(COUNT);
    expect(before.faces).toBeGreaterThanOrEqual(3);
    expect(before.faces).toBeLessThan(COUNT);
    // The state line and the grid agree on how many faces were made.
    expect(before.progress.done).toBe(before.faces);
    await expect($(byTestId('cancel-button'))).not.toBeExisting();
    await expect($(byTestId('generate-button'))).toBeEnabled();
  });
});
