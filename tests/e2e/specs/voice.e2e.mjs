// The Voice tool with the real Piper voice: two sentences spoken (Speak, without listening: the
// e2e machine has no sound card), streamed sentence by sentence, the clip shown as a waveform with
// its length, and added to the post as its voiceover (a real 22,050 Hz WAV in the project). Then
// the Sound tool says the drum model is missing, and the post exports as a video with sound.

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { byTestId, newProject, screenshot, waitForSaved, waitForStudioReady } from './helpers.mjs';

/** Piper on 2 shared CPU cores, plus the voice's first load: generous. */
const SPEAK_TIMEOUT = 120_000;
const WORDS = 'Fresh coffee, warm light. See you at seven!';
const NO_DEVICE = 'No sound output device';
/** ffmpeg encoding a few seconds of a still post with its sound. */
const EXPORT_TIMEOUT = 90_000;

/** What the Voice panel shows. (No key named `error`: WebdriverIO reads it as a WebDriver error.) */
async function panel() {
  return browser.execute(() => {
    const el = (id) => document.querySelector(`[data-testid="${id}"]`);
    const wave = el('voice-clip-waveform');
    return {
      state: el('voice-state')?.dataset.state ?? null,
      stateText: (el('voice-state')?.textContent ?? '').trim(),
      errorCode: el('voice-error')?.dataset.code ?? null,
      duration: (el('voice-clip-duration')?.textContent ?? '').trim(),
      waveMax: wave ? Number(wave.getAttribute('aria-valuemax')) : null,
      wavePath: wave?.querySelector('svg path.wave')?.getAttribute('d') ?? null,
    };
  });
}

/** Records every progress line of the Voice panel (a short speech runs faster than WebDriver polls). */
async function traceProgress() {
  await browser.execute(() => {
    const root = document.querySelector('[data-testid="voice-panel"]');
    window.__voiceLines?.observer.disconnect();
    const trace = { lines: [], observer: null };
    const record = () => {
      const progress = document.querySelector('[data-testid="voice-progress"]');
      const line = progress?.textContent?.trim();
      if (line && trace.lines.at(-1) !== line && trace.lines.length < 5000) trace.lines.push(line);
    };
    trace.observer = new MutationObserver(record);
    trace.observer.observe(root, { subtree: true, childList: true, characterData: true, attributes: true });
    window.__voiceLines = trace;
  });
}

async function progressLines() {
  return browser.execute(() => {
    window.__voiceLines.observer.disconnect();
    return window.__voiceLines.lines;
  });
}

/** The RIFF/WAVE header of `bytes`: format tag, channels, sample rate, data size. */
function wavHeader(bytes) {
  expect(bytes.toString('ascii', 0, 4)).toBe('RIFF');
  expect(bytes.toString('ascii', 8, 12)).toBe('WAVE');
  const header = {};
  for (let at = 12; at + 8 <= bytes.length; ) {
    const id = bytes.toString('ascii', at, at + 4);
    const size = bytes.readUInt32LE(at + 4);
    if (id === 'fmt ') {
      header.format = bytes.readUInt16LE(at + 8);
      header.channels = bytes.readUInt16LE(at + 10);
      header.sampleRate = bytes.readUInt32LE(at + 12);
    } else if (id === 'data') {
      header.dataBytes = size;
    }
    at += 8 + size + (size % 2);
  }
  return header;
}

describe('Voice: two sentences spoken by the real voice, added to the post', () => {
  let projectDir;
  let seconds;

  before(async () => {
    await waitForStudioReady();
    projectDir = await newProject('instagram-square');
    await $(byTestId('tool-voice')).click();
    await expect($(byTestId('voice-panel'))).toBeDisplayed();
    // The voice must be ready (app_status loads it); otherwise say why.
    await browser.waitUntil(async () => (await $(byTestId('voice-model')).getValue()) !== '', {
      timeout: 60_000,
      timeoutMsg: 'no voice was offered',
    });
    const problem = await $(byTestId('voice-setup-problem'));
    if (await problem.isExisting()) throw new Error(`the Voice tool is not ready: ${await problem.getText()}`);
  });

  it('speaks two sentences (Speak, not listen): 2 sentences, a waveform, a plausible length', async function () {
    this.timeout(SPEAK_TIMEOUT + 60_000);
    await $(byTestId('voice-text')).setValue(WORDS);
    await expect($(byTestId('voice-text'))).toHaveValue(WORDS);
    await expect($(byTestId('voice-text-error'))).not.toBeExisting();
    const speak = await $(byTestId('voice-speak'));
    await expect(speak).toBeEnabled();

    await traceProgress();
    const startedAt = Date.now();
    await speak.click();
    await browser.waitUntil(async () => !['running', null].includes((await panel()).state), {
      timeout: SPEAK_TIMEOUT,
      interval: 100,
      timeoutMsg: `the speech did not end within ${SPEAK_TIMEOUT / 1000} s: ${JSON.stringify(await panel())}`,
    });
    const took = ((Date.now() - startedAt) / 1000).toFixed(1);
    const lines = await progressLines();
    const ended = await panel();
    console.log(`voice: ${took} s, progress ${JSON.stringify(lines)}, "${ended.stateText}"`);

    expect(ended.errorCode).toBeNull();
    expect(ended.state).toBe('completed');
    // "Done: 3.4 s of speech, 2 sentences"
    const done = ended.stateText.match(/^Done: (\d+\.\d) s of speech, 2 sentences$/);
    expect(done).not.toBeNull();
    // The progress, if the page showed it, counted to 2 sentences too.
    for (const line of lines) expect(line).toMatch(/preparing the voice|sentence [0-2] of 2/);

    // The clip: its length shown, and a waveform drawn from non-empty peaks.
    const shown = ended.duration.match(/^(\d+\.\d) s$/);
    expect(shown).not.toBeNull();
    seconds = Number(shown[1]);
    expect(seconds).toBe(Number(done[1]));
    expect(seconds).toBeGreaterThanOrEqual(1.5);
    expect(seconds).toBeLessThanOrEqual(8);
    expect(Math.abs(ended.waveMax - seconds)).toBeLessThanOrEqual(0.1);
    expect(ended.wavePath).not.toBeNull();
    const ys = (ended.wavePath.match(/-?\d+(\.\d+)?/g) ?? []).map(Number).filter((_, i) => i % 2 === 1);
    expect(ys.length).toBeGreaterThan(20);
    // Speech is not silence: the peaks leave the centre line (50) by a good margin somewhere.
    expect(Math.max(...ys.map((y) => Math.abs(y - 50)))).toBeGreaterThan(10);
    await expect($(byTestId('voice-clip-waveform'))).toBeDisplayed();

    // The transport: the run gives this app no sound device (lib/alsa.mjs), as on a machine
    // without a sound card: it says so calmly; speaking worked regardless.
    const transport = await $(byTestId('voice-transport'));
    await browser.waitUntil(async () => (await transport.getAttribute('data-state')) === 'no-device', {
      timeout: 10_000,
      timeoutMsg: `the transport did not report the missing device: ${await transport.getAttribute('data-state')}`,
    });
    await expect($(byTestId('voice-transport-notice'))).toBeDisplayed();
    await expect($(byTestId('voice-transport-notice'))).toHaveText(expect.stringContaining(NO_DEVICE));
    await expect($(byTestId('voice-transport-play'))).toBeDisabled();
    await expect($(byTestId('voice-error'))).not.toBeExisting();
    await $(byTestId('voice-clip')).scrollIntoView({ block: 'center' });
    await screenshot('voice');
  });

  it('adds the voice to the post: a 22,050 Hz WAV in the project', async () => {
    const add = await $(byTestId('voice-clip-add-voice'));
    await expect(add).toHaveText(expect.stringContaining('Add to post as voiceover'));
    await add.click();
    await expect(add).toHaveAttribute('data-added', 'true');
    const post = await waitForSaved(projectDir, (p) => Boolean(p.audio?.voice?.asset), 'got the voiceover');
    const asset = post.audio.voice.asset;
    expect(asset).toMatch(/^assets\/voice-[^/]+\.wav$/);
    const file = path.join(projectDir, asset);
    expect(existsSync(file)).toBe(true);
    const header = wavHeader(readFileSync(file));
    expect(header.sampleRate).toBe(22_050);
    expect(header.channels).toBeGreaterThanOrEqual(1);
    expect(header.dataBytes).toBeGreaterThan(0);
    console.log(`voice: ${asset} ${JSON.stringify(header)}`);
  });

  it('Sound tool: hits and beats wait for the drum model; the export offers a video with sound', async () => {
    await $(byTestId('tool-sound')).click();
    await expect($(byTestId('sound-panel'))).toBeDisplayed();
    const problem = await $(byTestId('sound-setup-problem'));
    await expect(problem).toBeDisplayed();
    await expect(problem).toHaveText(expect.stringContaining('No drum model'));
    await expect($(byTestId('hits-generate'))).toBeDisabled();
    await expect($(byTestId('beat-make'))).toBeDisabled();

    const mp4 = await $(`${byTestId('export-format')} option[value="mp4"]`);
    await expect(mp4).toHaveText(expect.stringContaining('Video with sound (MP4)'));
    await expect(mp4).not.toHaveText(expect.stringContaining('needs sound'));
    await expect(mp4).toBeEnabled();
  });

  it('exports the post as an MP4 with its sound', async function () {
    this.timeout(EXPORT_TIMEOUT + 30_000);
    await $(byTestId('export-format')).selectByAttribute('value', 'mp4');
    await expect($(byTestId('export-format'))).toHaveValue('mp4');
    await $(byTestId('export-button')).click();
    const result = await $(byTestId('export-result'));
    await browser.waitUntil(async () => (await result.isExisting()) && (await result.getText()).includes('.mp4'), {
      timeout: EXPORT_TIMEOUT,
      timeoutMsg: 'no MP4 export result was shown',
    }).catch(async (e) => {
      const notices = await browser.execute(() => document.querySelector('[data-testid="notice"]')?.textContent?.trim() ?? '');
      await screenshot('voice-export-failed');
      throw new Error(`${e.message}; notices: "${notices}"`);
    });
    const shown = await browser.execute(() =>
      Array.from(document.querySelectorAll('[data-testid="export-result"] code'), (c) => c.textContent.trim()),
    );
    const name = shown.find((f) => f.endsWith('.mp4'));
    const file = path.isAbsolute(name) ? name : path.join(projectDir, name);
    expect(existsSync(file)).toBe(true);
    const bytes = readFileSync(file);
    expect(bytes.toString('ascii', 4, 8)).toBe('ftyp');
    console.log(`voice: exported ${file} (${bytes.length} bytes)`);
  });
});
