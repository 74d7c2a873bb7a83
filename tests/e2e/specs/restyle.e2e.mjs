// The Restyle tool with the real models: a photo dragged from the desktop onto the Restyle panel
// (a real X drag and drop, through WebKitGTK and Tauri), restyled, compared before/after and added
// to the post; a one-second clip with sound restyled into an MP4 (progress in frames per second,
// checked with ffprobe) and added as a video layer; a long clip cancelled, leaving no file; and a
// file that is no picture refused in words.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { dropFileAt, pageOrigin, screenCentre } from '../lib/desktop.mjs';
import { encodePng } from '../lib/png.mjs';
import { byTestId, newProject, pixelDigests, screenshot, waitForSaved, waitForStudioReady } from './helpers.mjs';

/** A CPU restyle of a small photo or a 25-frame clip on 2 shared cores: generous. */
const RESTYLE_TIMEOUT = 180_000;
const PHOTO = { width: 200, height: 150 };

/** Runs a command; throws with its output when it fails. */
function run(command, args) {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr || result.error}`);
  return result.stdout;
}

/** A test clip: ffmpeg's moving test pattern at 160x120, 25 fps, with a sine tone. */
function makeClip(file, seconds) {
  run('ffmpeg', [
    ...['-v', 'error', '-y'],
    ...['-f', 'lavfi', '-i', `testsrc2=size=160x120:rate=25:duration=${seconds}`],
    ...['-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`],
    ...['-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', file],
  ]);
}

/** ffprobe's count of decoded video frames, and whether there is an audio stream. */
function probe(file) {
  const frames = run('ffprobe', [
    ...['-v', 'error', '-select_streams', 'v:0', '-count_frames'],
    ...['-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', file],
  ]);
  const audio = run('ffprobe', ['-v', 'error', '-select_streams', 'a', '-show_entries', 'stream=codec_type', '-of', 'csv=p=0', file]);
  return { frames: Number(frames.trim()), hasAudio: audio.trim() === 'audio' };
}

/**
 * What the panel shows: state line, its `data-state`, error code, progress line. (No key named
 * `error`: WebdriverIO reads a script result with one as a WebDriver error.)
 */
async function panel() {
  return browser.execute(() => {
    const el = (id) => document.querySelector(`[data-testid="${id}"]`);
    return {
      state: el('restyle-state')?.dataset.state ?? null,
      stateText: (el('restyle-state')?.textContent ?? '').trim(),
      errorCode: el('restyle-error')?.dataset.code ?? null,
      progress: (el('restyle-progress-count')?.textContent ?? '').trim(),
      done: Number(el('restyle-progress')?.getAttribute('aria-valuenow') ?? -1),
    };
  });
}

/** Waits until the restyle ended (the state line leaves `running`); returns the panel then. */
async function waitForEnd(what) {
  await browser.waitUntil(async () => !['running', null].includes((await panel()).state), {
    timeout: RESTYLE_TIMEOUT,
    interval: 100,
    timeoutMsg: `${what} did not end within ${RESTYLE_TIMEOUT / 1000} s: ${JSON.stringify(await panel())}`,
  });
  return panel();
}

/** Records every progress line the page shows (a short clip runs faster than WebDriver polls). */
async function traceProgressLines() {
  await browser.execute(() => {
    const root = document.querySelector('[data-testid="restyle-panel"]');
    window.__restyleLines?.observer.disconnect();
    const trace = { lines: [], observer: null };
    const record = () => {
      const line = document.querySelector('[data-testid="restyle-progress-count"]')?.textContent?.trim();
      if (line && trace.lines.at(-1) !== line && trace.lines.length < 5000) trace.lines.push(line);
    };
    trace.observer = new MutationObserver(record);
    trace.observer.observe(root, { subtree: true, childList: true, characterData: true, attributes: true });
    window.__restyleLines = trace;
  });
}

async function progressLines() {
  return browser.execute(() => {
    window.__restyleLines.observer.disconnect();
    return window.__restyleLines.lines;
  });
}

/** Types a path into the panel's path field. */
async function choosePath(file) {
  const input = await $(byTestId('restyle-path'));
  await input.click();
  await input.clearValue();
  await input.setValue(file);
  await expect(input).toHaveValue(file);
  await expect($(byTestId('restyle-drop-file'))).toHaveText(expect.stringContaining(path.basename(file)));
}

describe('Restyle: a photo and a clip', () => {
  let projectDir;
  let workDir;

  before(async () => {
    await waitForStudioReady();
    projectDir = await newProject('instagram-square');
    workDir = mkdtempSync(path.join(os.tmpdir(), 'postcraft-restyle-'));
    await $(byTestId('tool-restyle')).click();
    await expect($(byTestId('restyle-panel'))).toBeDisplayed();
    // Both restyle models must have loaded (app_status loads them); otherwise say why.
    const problem = await $(byTestId('restyle-setup-problem'));
    if (await problem.isExisting()) throw new Error(`the Restyle tool is not ready: ${await problem.getText()}`);
  });

  it('restyles a photo dragged from the desktop, compares it with the original, adds it to the post', async function () {
    this.timeout(RESTYLE_TIMEOUT + 60_000);
    // Sky, sun and sea: shapes and gradients for the model to restyle.
    const file = path.join(workDir, 'beach photo.png');
    writeFileSync(
      file,
      encodePng(PHOTO.width, PHOTO.height, (x, y) => {
        if ((x - 150) ** 2 + (y - 40) ** 2 < 400) return [255, 214, 90, 255];
        if (y < 90) return [90 + y, 150 + y, 235, 255];
        return [20, 90 + (x % 40), 150 + ((x + y) % 60), 255];
      }),
    );
    const zone = await $(byTestId('restyle-drop'));
    const origin = await pageOrigin();
    await dropFileAt(file, await screenCentre(zone, origin));
    await expect($(byTestId('restyle-drop-file'))).toHaveText(expect.stringContaining('beach photo.png'));
    await expect($(byTestId('restyle-path'))).toHaveValue(file);
    // The drop went to the panel, not into the post.
    await browser.pause(500);
    expect((await waitForSaved(projectDir, () => true, 'was readable')).layers).toHaveLength(0);

    await $(byTestId('restyle-button')).click();
    const ended = await waitForEnd('the photo restyle');
    expect(ended.errorCode).toBeNull();
    expect(ended.stateText).toBe(`Done: restyled ${PHOTO.width} × ${PHOTO.height}`);

    // Both pictures are shown, loaded from the postcraft: scheme, at the photo's size.
    const shown = await browser.execute(() =>
      ['compare-before', 'compare-after'].map((id) => {
        const img = document.querySelector(`[data-testid="${id}"]`);
        return { src: img.src, complete: img.complete, width: img.naturalWidth, height: img.naturalHeight };
      }),
    );
    for (const img of shown) {
      expect(img.src).toMatch(/^postcraft:\/\/localhost\/jobs\/\d+\/[01]\.png$/);
      expect([img.width, img.height]).toEqual([PHOTO.width, PHOTO.height]);
    }
    const [before, after] = await pixelDigests('[data-testid="compare-before"], [data-testid="compare-after"]');
    expect(before.sha256).not.toBe(after.sha256); // the model changed the picture

    // The divider is a slider: the keyboard moves it, and the original's clip follows.
    const handle = await $(byTestId('compare-handle'));
    await expect(handle).toHaveAttribute('aria-valuenow', '50');
    // Focused as Tab would (a click would also move the split to the pointer).
    await browser.execute((el) => el.focus(), handle);
    // One key per call: an array is pressed as a chord.
    await browser.keys('ArrowLeft');
    await browser.keys('ArrowLeft');
    await expect(handle).toHaveAttribute('aria-valuenow', '40');
    const clip = await browser.execute(() => document.querySelector('[data-testid="compare-before"]').style.clipPath);
    expect(clip).toMatch(/^inset\(0(px)? 60% 0(px)? 0(px)?\)$/);
    await screenshot('restyle-photo');

    await $(byTestId('restyle-add-to-post')).click();
    const post = await waitForSaved(projectDir, (p) => p.layers.length === 1, 'got the restyled photo');
    const layer = post.layers[0];
    expect(layer.content.type).toBe('image');
    expect(layer.content.asset).toMatch(/^assets\/restyled-\d+-[0-9a-f]+\.png$/);
    expect(existsSync(path.join(projectDir, layer.content.asset))).toBe(true);
  });

  it('restyles a one-second clip with sound into an MP4, showing frames per second', async function () {
    this.timeout(RESTYLE_TIMEOUT + 60_000);
    const input = path.join(workDir, 'clip.mp4');
    makeClip(input, 1);
    expect(probe(input)).toEqual({ frames: 25, hasAudio: true });
    await choosePath(input);
    await expect($(byTestId('restyle-smoothing'))).toBeDisplayed();
    await expect($(byTestId('restyle-output-note'))).toHaveText('Saved beside the clip as clip-restyled.mp4.');

    const layersBefore = (await waitForSaved(projectDir, () => true, 'was readable')).layers.length;
    await traceProgressLines();
    await $(byTestId('restyle-button')).click();
    const ended = await waitForEnd('the clip restyle');
    const lines = await progressLines();
    console.log(`restyle clip: progress lines ${JSON.stringify(lines.slice(0, 3))} … ${JSON.stringify(lines.slice(-2))}`);
    expect(ended.errorCode).toBeNull();
    expect(ended.stateText).toBe('Done: 25 frames written');
    // "frame 12/25 · 5.1 fps · 3 s left": frames, the rate once a frame is done, time left.
    expect(lines.some((line) => /^frame \d+\/25 · \d+(\.\d)? fps · .+ left$/.test(line))).toBe(true);

    const output = path.join(workDir, 'clip-restyled.mp4');
    await expect($(byTestId('restyle-file-path'))).toHaveText(output);
    await expect($(byTestId('restyle-file-details'))).toHaveText('25 frames, 160 × 120, with sound');
    expect(existsSync(output)).toBe(true);
    expect(probe(output)).toEqual({ frames: 25, hasAudio: true });
    await screenshot('restyle-clip');

    await $(byTestId('restyle-add-to-post')).click();
    const post = await waitForSaved(projectDir, (p) => p.layers.length === layersBefore + 1, 'got the restyled clip');
    const added = post.layers.at(-1);
    expect(added.content.type).toBe('video');
    expect(added.content.asset).toMatch(/^assets\/clip-restyled-[0-9a-f]+\.mp4$/);
    expect(existsSync(path.join(projectDir, added.content.asset))).toBe(true);
  });

  it('cancels a long clip and leaves no file', async function () {
    this.timeout(RESTYLE_TIMEOUT + 60_000);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'postcraft-restyle-cancel-'));
    const input = path.join(dir, 'long.mp4');
    makeClip(input, 12);
    await choosePath(input);
    await $(byTestId('restyle-button')).click();
    await browser.waitUntil(async () => (await panel()).done >= 3, {
      timeout: RESTYLE_TIMEOUT,
      interval: 50,
      timeoutMsg: `the clip never reached frame 3: ${JSON.stringify(await panel())}`,
    });
    await $(byTestId('restyle-cancel')).click();
    const ended = await waitForEnd('the cancelled clip');
    expect(ended.state).toBe('cancelled');
    expect(ended.errorCode).toBeNull();
    expect(ended.stateText).toMatch(/^Cancelled after \d+ of 300 frames; no file was written\.$/);
    await expect($(byTestId('restyle-file'))).not.toBeExisting();
    // Give the engine a moment to clean up, then: the input only, no output, no temporary file.
    await browser.pause(1500);
    expect(readdirSync(dir)).toEqual(['long.mp4']);
  });

  it('says in words why a file that is no picture is refused', async () => {
    const file = path.join(workDir, 'notes.txt');
    writeFileSync(file, 'not a picture\n');
    await choosePath(file);
    await $(byTestId('restyle-button')).click();
    const error = await $(byTestId('restyle-error'));
    await error.waitForExist({ timeout: 30_000 });
    await expect(error).toHaveAttribute('data-code', 'MEDIA_INVALID');
    await expect(error).toHaveAttribute('role', 'alert');
    expect((await panel()).stateText).toMatch(/^notes\.txt could not be opened as an image: /);
    await expect(error).toHaveText(expect.stringContaining('Pick a photo'));
  });
});
