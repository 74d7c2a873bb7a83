// The Voice tool with the real Piper voice: two sentences spoken (Speak, without listening: the
// e2e machine has no sound card), streamed sentence by sentence, the clip shown as a waveform with
// its length, and added to the post as its voiceover (a real 22,050 Hz WAV in the project). Then
// the Sound tool's drum GAN makes hits and a beat that becomes the post's bed, and the post
// exports as a video with its sound.

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { byTestId, openVoiceToolInNewProject, screenshot, typeNumber, waitForSaved } from './helpers.mjs';

/** Piper on 2 shared CPU cores, plus the voice's first load: generous. */
const SPEAK_TIMEOUT = 120_000;
const WORDS = 'Fresh coffee, warm light. See you at seven!';
const NO_DEVICE = 'No sound output device';
/** The drum model's first load plus a few hits or a beat on 2 shared CPU cores. */
const SOUND_TIMEOUT = 60_000;
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
    projectDir = await openVoiceToolInNewProject();
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

  it('Sound tool: four kick hits by seed, then a 2-bar beat at 120 bpm (4.0 s) as the post\'s bed', async function () {
    this.timeout(SOUND_TIMEOUT * 2 + 30_000);
    await $(byTestId('tool-sound')).click();
    await expect($(byTestId('sound-panel'))).toBeDisplayed();
    await expect($(byTestId('sound-setup-problem'))).not.toBeExisting();
    await expect($(byTestId('sound-licence'))).toHaveText(expect.stringContaining('Drum model licence'));

    await $(byTestId('hit-kind')).selectByAttribute('value', 'kick');
    await typeNumber('hit-count', 4);
    await typeNumber('hit-seed', 7);
    await $(byTestId('hits-generate')).click();
    await browser.waitUntil(async () => (await $(byTestId('hits-state')).getAttribute('data-state')) === 'completed', {
      timeout: SOUND_TIMEOUT,
      timeoutMsg: `the hits did not complete: "${await $(byTestId('hits-state')).getText().catch(() => '')}"`,
    });
    await expect($(byTestId('hits-state'))).toHaveText('Done: 4 kick hits');
    await expect($(byTestId('hits-error'))).not.toBeExisting();
    const hits = await browser.execute(() =>
      Array.from(document.querySelectorAll('[data-testid="hit"]'), (card) => ({
        duration: card.querySelector('[data-testid="hit-duration"]')?.textContent?.trim() ?? '',
        wave: card.querySelector('svg path.wave')?.getAttribute('d') ?? '',
      })),
    );
    expect(hits.length).toBe(4);
    for (const hit of hits) {
      expect(hit.duration).toMatch(/^0\.[1-9] s$/); // one-shots under a second
      // Not silence: the peaks leave the centre line (50) by a good margin somewhere.
      const ys = (hit.wave.match(/-?\d+(\.\d+)?/g) ?? []).map(Number).filter((_, i) => i % 2 === 1);
      expect(Math.max(...ys.map((y) => Math.abs(y - 50)))).toBeGreaterThan(10);
    }
    expect(new Set(hits.map((h) => h.wave)).size).toBe(4); // four different hits

    await typeNumber('beat-bpm', 120);
    await typeNumber('beat-bars', 2);
    await $(byTestId('beat-make')).click();
    await browser.waitUntil(async () => (await $(byTestId('beat-state')).getAttribute('data-state')) === 'completed', {
      timeout: SOUND_TIMEOUT,
      timeoutMsg: `the beat did not complete: "${await $(byTestId('beat-state')).getText().catch(() => '')}"`,
    });
    await expect($(byTestId('beat-state'))).toHaveText(expect.stringMatching(/^Done: a 4\.0 s loop/));
    await expect($(byTestId('beat-clip-duration'))).toHaveText('4.0 s');
    await $(byTestId('beat-clip')).scrollIntoView({ block: 'center' });
    await screenshot('sound');

    const add = await $(byTestId('beat-clip-add-bed'));
    await add.click();
    await expect(add).toHaveAttribute('data-added', 'true');
    const post = await waitForSaved(projectDir, (p) => Boolean(p.audio?.bed?.asset), 'got the bed');
    const header = wavHeader(readFileSync(path.join(projectDir, post.audio.bed.asset)));
    expect(header.sampleRate).toBe(22_050);
    // 4.0 s of 16-bit samples.
    expect(header.dataBytes).toBe(4 * 22_050 * 2 * header.channels);
    expect(post.audio.voice.asset).toMatch(/^assets\/voice-/); // the voiceover stays

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
