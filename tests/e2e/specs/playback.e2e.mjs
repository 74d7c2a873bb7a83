// Playback in the real app, through a real ALSA device: the run gives this spec's app a capture
// device (lib/alsa.mjs) that takes the sound at the pace of a sound card and writes it to a file.
// "Speak & listen" plays the first sentence while the rest is still being made; the finished clip
// plays, pauses (the device then gets silence) and seeks; the position moves in the UI many times
// a second; and the capture holds the clip's sound: the same loudness envelope and length.

import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { CAPTURE_CHANNELS, CAPTURE_RATE } from '../lib/alsa.mjs';
import { artifactsDir, byTestId, openVoiceToolInNewProject, screenshot, waitForSaved } from './helpers.mjs';

const SPEAK_TIMEOUT = 120_000;
/** Two sentences, about three seconds of speech. */
const WORDS = 'Fresh coffee and warm light all morning. See you at seven tonight!';
const CAPTURE_BYTES_PER_FRAME = CAPTURE_CHANNELS * 4;
/** The capture's frames are "silent" below this (the device gets exact zeros when nothing plays). */
const SILENCE = 1e-4;
/** Envelope windows (seconds). */
const WINDOW = 0.02;

const captureFile = () => {
  const file = process.env.POSTCRAFT_E2E_ALSA_CAPTURE;
  if (!file) throw new Error('this spec needs the capture device of lib/alsa.mjs (run it through wdio.conf.mjs)');
  return file;
};
const captureBytes = () => {
  try {
    return statSync(captureFile()).size;
  } catch {
    return 0;
  }
};

/** Mono frames (the mean of the channels) of the capture from byte `from` to `to`. */
function captureFrames(from = 0, to = Infinity) {
  const bytes = readFileSync(captureFile());
  const start = Math.floor(from / CAPTURE_BYTES_PER_FRAME) * CAPTURE_BYTES_PER_FRAME;
  const end = Math.min(bytes.length, to) - ((Math.min(bytes.length, to) - start) % CAPTURE_BYTES_PER_FRAME);
  const frames = new Float32Array(Math.max(0, (end - start) / CAPTURE_BYTES_PER_FRAME));
  for (let i = 0; i < frames.length; i += 1) {
    let sum = 0;
    for (let c = 0; c < CAPTURE_CHANNELS; c += 1) sum += bytes.readFloatLE(start + i * CAPTURE_BYTES_PER_FRAME + c * 4);
    frames[i] = sum / CAPTURE_CHANNELS;
  }
  return frames;
}

/** The samples of a 16-bit PCM WAV, mixed to mono, and its rate. */
function wavSamples(file) {
  const bytes = readFileSync(file);
  let channels = 1;
  let rate = 0;
  for (let at = 12; at + 8 <= bytes.length; ) {
    const id = bytes.toString('ascii', at, at + 4);
    const size = bytes.readUInt32LE(at + 4);
    if (id === 'fmt ') {
      expect(bytes.readUInt16LE(at + 8)).toBe(1); // PCM
      channels = bytes.readUInt16LE(at + 10);
      rate = bytes.readUInt32LE(at + 12);
      expect(bytes.readUInt16LE(at + 22)).toBe(16);
    } else if (id === 'data') {
      const frames = new Float32Array(Math.floor(size / (2 * channels)));
      for (let i = 0; i < frames.length; i += 1) {
        let sum = 0;
        for (let c = 0; c < channels; c += 1) sum += bytes.readInt16LE(at + 8 + (i * channels + c) * 2) / 32768;
        frames[i] = sum / channels;
      }
      return { frames, rate };
    }
    at += 8 + size + (size % 2);
  }
  throw new Error(`${file} has no data chunk`);
}

/** RMS of consecutive WINDOW-long windows. */
function envelope(frames, rate) {
  const size = Math.round(WINDOW * rate);
  const out = [];
  for (let at = 0; at + size <= frames.length; at += size) {
    let sum = 0;
    for (let i = at; i < at + size; i += 1) sum += frames[i] * frames[i];
    out.push(Math.sqrt(sum / size));
  }
  return out;
}

/** The largest Pearson correlation of `a` with `b` shifted by up to `maxLag` windows. */
function bestCorrelation(a, b, maxLag) {
  let best = { r: -1, lag: 0 };
  for (let lag = -maxLag; lag <= maxLag; lag += 1) {
    const pairs = [];
    for (let i = 0; i < a.length; i += 1) if (i + lag >= 0 && i + lag < b.length) pairs.push([a[i], b[i + lag]]);
    if (pairs.length < 10) continue;
    const mean = (k) => pairs.reduce((s, p) => s + p[k], 0) / pairs.length;
    const [ma, mb] = [mean(0), mean(1)];
    let [sab, saa, sbb] = [0, 0, 0];
    for (const [x, y] of pairs) {
      sab += (x - ma) * (y - mb);
      saa += (x - ma) ** 2;
      sbb += (y - mb) ** 2;
    }
    const r = sab / Math.sqrt(saa * sbb || 1);
    if (r > best.r) best = { r, lag };
  }
  return best;
}

/** The largest magnitude in `values` (no spread: captures have hundreds of thousands of frames). */
function maxAbs(values) {
  let max = 0;
  for (const v of values) max = Math.max(max, Math.abs(v));
  return max;
}

/** Index of the first frame louder than `level`, and of the last. */
function soundSpan(frames, level) {
  let first = -1;
  let last = -1;
  for (let i = 0; i < frames.length; i += 1) {
    if (Math.abs(frames[i]) > level) {
      if (first < 0) first = i;
      last = i;
    }
  }
  return { first, last };
}

/** What the transport and the voice clip show now. */
async function shown() {
  return browser.execute(() => {
    const el = (id) => document.querySelector(`[data-testid="${id}"]`);
    const wave = el('voice-clip-waveform');
    return {
      availability: el('voice-transport')?.dataset.state ?? null,
      transportButton: el('voice-transport-play')?.getAttribute('aria-label') ?? null,
      name: (el('voice-transport-name')?.textContent ?? '').trim(),
      time: (el('voice-transport-time')?.textContent ?? '').trim(),
      position: wave ? Number(wave.getAttribute('aria-valuenow')) : null,
      looping: el('voice-transport-loop')?.getAttribute('aria-pressed') ?? null,
    };
  });
}

/**
 * Records every change of the transport and the voice job's state, with the page's clock: a
 * three-second clip plays faster than WebDriver can poll. Each entry: t (ms), the transport's
 * button ("Play"/"Pause"), its name and time, the job state, the playhead's position.
 */
async function startTrace() {
  await browser.execute(() => {
    window.__playTrace?.observer.disconnect();
    const el = (id) => document.querySelector(`[data-testid="${id}"]`);
    const trace = { entries: [], observer: null };
    const record = () => {
      const entry = {
        t: performance.now(),
        button: el('voice-transport-play')?.getAttribute('aria-label') ?? null,
        name: (el('voice-transport-name')?.textContent ?? '').trim(),
        time: (el('voice-transport-time')?.textContent ?? '').trim(),
        job: el('voice-state')?.dataset.state ?? null,
        playhead: el('voice-clip-waveform-playhead')?.style.left ?? null,
      };
      const last = trace.entries.at(-1);
      const same = last && ['button', 'name', 'time', 'job', 'playhead'].every((k) => last[k] === entry[k]);
      if (!same && trace.entries.length < 20_000) trace.entries.push(entry);
    };
    trace.observer = new MutationObserver(record);
    trace.observer.observe(document.querySelector('[data-testid="voice-panel"]'), {
      subtree: true,
      childList: true,
      characterData: true,
      attributes: true,
    });
    record();
    window.__playTrace = trace;
  });
}

async function stopTrace() {
  return browser.execute(() => {
    window.__playTrace.observer.disconnect();
    return window.__playTrace.entries;
  });
}

/** "0:03.4" -> 3.4 */
const secondsOf = (time) => {
  const m = time.match(/^(\d+):(\d+(?:\.\d)?)/);
  return m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
};

async function waitUntilEnded(timeout, what) {
  await browser.waitUntil(async () => (await shown()).transportButton === 'Play', {
    timeout,
    interval: 50,
    timeoutMsg: `${what} did not end: ${JSON.stringify(await shown())}`,
  });
}

/** Clicks the voice clip's play button and waits until the transport shows it playing. */
async function playClip() {
  await expect($(byTestId('voice-clip-play'))).toHaveAttribute('aria-label', expect.stringMatching(/^Play /));
  await $(byTestId('voice-clip-play')).click();
  await browser.waitUntil(async () => (await shown()).transportButton === 'Pause', {
    timeout: 5_000,
    interval: 20,
    timeoutMsg: `the clip did not start: ${JSON.stringify(await shown())}`,
  });
}

describe('Playback through a sound device: streaming speech, play, pause, seek, loop', () => {
  let projectDir;
  let clipSeconds;
  let wav;

  before(async () => {
    projectDir = await openVoiceToolInNewProject();
    // The capture device opened: the transport is usable, and no notice.
    await browser.waitUntil(async () => (await shown()).availability === 'ready', {
      timeout: 20_000,
      timeoutMsg: `the player did not open the capture device: ${JSON.stringify(await shown())}; reader log: ${
        process.env.POSTCRAFT_E2E_ALSA_READER_LOG
      }`,
    });
    await expect($(byTestId('voice-transport-notice'))).not.toBeExisting();
  });

  it('Speak & listen: the first sentence plays while the second is still being made', async function () {
    this.timeout(SPEAK_TIMEOUT + 60_000);
    await $(byTestId('voice-text')).setValue(WORDS);
    await expect($(byTestId('voice-speak-listen'))).toBeEnabled();
    const before = captureBytes();
    await startTrace();
    await $(byTestId('voice-speak-listen')).click();
    await browser.waitUntil(async () => (await $(byTestId('voice-state')).getAttribute('data-state')) === 'completed', {
      timeout: SPEAK_TIMEOUT,
      interval: 100,
      timeoutMsg: 'the speech did not complete',
    });
    await waitUntilEnded(30_000, 'the streamed speech');
    const entries = await stopTrace();

    const streaming = entries.filter((e) => e.job === 'running' && e.button === 'Pause');
    console.log(`playback: ${entries.length} trace entries, ${streaming.length} while the job ran and sound played`);
    // Sound played while the job was still running, under the streaming name.
    expect(streaming.length).toBeGreaterThan(0);
    expect(streaming.some((e) => e.name === 'Speech, as it is made')).toBe(true);

    clipSeconds = Number((await $(byTestId('voice-clip-duration')).getText()).match(/^(\d+\.\d) s$/)[1]);
    expect(clipSeconds).toBeGreaterThan(2);
    // The device got the speech: about its length of sound.
    const frames = captureFrames(before);
    const span = soundSpan(frames, SILENCE);
    expect(span.first).toBeGreaterThanOrEqual(0);
    const heard = (span.last - span.first) / CAPTURE_RATE;
    console.log(`playback: streamed ${heard.toFixed(2)} s of sound for a ${clipSeconds} s clip`);
    expect(heard).toBeGreaterThan(clipSeconds * 0.8);
    expect(heard).toBeLessThan(clipSeconds + 1);
  });

  it('plays the clip: the capture holds its sound, the position moves many times a second', async function () {
    this.timeout(60_000);
    // The clip's own samples: add it to the post as the voiceover and read the WAV.
    await $(byTestId('voice-clip-add-voice')).click();
    const post = await waitForSaved(projectDir, (p) => Boolean(p.audio?.voice?.asset), 'got the voiceover');
    wav = wavSamples(path.join(projectDir, post.audio.voice.asset));
    expect(wav.rate).toBe(22_050);

    const before = captureBytes();
    await startTrace();
    await playClip();
    await waitUntilEnded(clipSeconds * 1000 + 20_000, 'the clip');
    // What the pipe still held reaches the file.
    await browser.pause(500);
    const entries = await stopTrace();
    const after = captureBytes();

    // Position reports: the playhead moved through the clip, forward only, many times a second.
    // From the restart at the beginning (the playhead may show the last end for a moment).
    const all = entries.filter((e) => e.button === 'Pause' && e.playhead !== null);
    const moves = all.slice(Math.max(0, all.findIndex((e) => Number.parseFloat(e.playhead) < 15)));
    const lefts = moves.map((e) => Number.parseFloat(e.playhead));
    const playedFor = (moves.at(-1).t - moves[0].t) / 1000;
    const perSecond = (moves.length - 1) / playedFor;
    writeFileSync(path.join(artifactsDir, 'playback-trace.json'), JSON.stringify(entries, null, 1));
    console.log(`playback: ${moves.length} playhead moves in ${playedFor.toFixed(2)} s (${perSecond.toFixed(1)} a second)`);
    expect(lefts.every((left, i) => i === 0 || left >= lefts[i - 1])).toBe(true);
    expect(Math.min(...lefts)).toBeLessThan(15);
    expect(Math.max(...lefts)).toBeGreaterThan(85);
    // The player reports about 30 times a second; the page, under WebDriver on a shared CPU,
    // must see at least a third of that.
    expect(perSecond).toBeGreaterThan(10);

    // The capture: the clip's loudness envelope, at its length.
    const frames = captureFrames(before, after);
    const span = soundSpan(frames, 0.01);
    const wavSpan = soundSpan(wav.frames, 0.01);
    const heard = (span.last - span.first) / CAPTURE_RATE;
    const made = (wavSpan.last - wavSpan.first) / wav.rate;
    console.log(`playback: heard ${heard.toFixed(3)} s of sound, the clip has ${made.toFixed(3)} s`);
    expect(Math.abs(heard - made)).toBeLessThan(0.05);
    const heardEnvelope = envelope(frames.subarray(span.first), CAPTURE_RATE);
    const madeEnvelope = envelope(wav.frames.subarray(wavSpan.first), wav.rate);
    const match = bestCorrelation(madeEnvelope, heardEnvelope, 5);
    console.log(`playback: envelope correlation ${match.r.toFixed(4)} at lag ${match.lag}`);
    expect(match.r).toBeGreaterThan(0.98);
    // Played at full volume: the loudest windows agree within 1 dB.
    const peakRatio = Math.max(...heardEnvelope) / Math.max(...madeEnvelope);
    expect(Math.abs(20 * Math.log10(peakRatio))).toBeLessThan(1);
  });

  it('pauses (the device then gets silence), resumes and seeks by a click on the waveform', async function () {
    this.timeout(60_000);
    await playClip();
    await browser.waitUntil(async () => (await shown()).position >= 0.5, {
      timeout: 10_000,
      interval: 20,
      timeoutMsg: `the clip did not play: ${JSON.stringify(await shown())}`,
    });
    await $(byTestId('voice-transport-play')).click();
    await browser.waitUntil(async () => (await shown()).transportButton === 'Play', {
      timeout: 5_000,
      timeoutMsg: 'the transport did not pause',
    });
    const paused = await shown();
    const pausedAt = captureBytes();
    await browser.pause(1500);
    const stillPaused = await shown();
    const resumedAt = captureBytes();
    expect(stillPaused.position).toBe(paused.position);
    expect(stillPaused.time).toBe(paused.time);
    // The pipe and the device buffer held up to about half a second of sound when it paused;
    // after that the device gets exact silence.
    const quiet = captureFrames(pausedAt + 0.6 * CAPTURE_RATE * CAPTURE_BYTES_PER_FRAME, resumedAt);
    expect(quiet.length).toBeGreaterThan(0.5 * CAPTURE_RATE);
    expect(maxAbs(quiet)).toBeLessThan(SILENCE);

    // Resume where it paused.
    await $(byTestId('voice-transport-play')).click();
    await browser.waitUntil(async () => (await shown()).position > paused.position, {
      timeout: 5_000,
      interval: 20,
      timeoutMsg: `it did not resume: ${JSON.stringify(await shown())}`,
    });

    // A click at three quarters of the waveform seeks there.
    const wave = await $(byTestId('voice-clip-waveform'));
    const { width } = await wave.getSize();
    await wave.click({ x: Math.round(width * 0.25) });
    const target = clipSeconds * 0.75;
    await browser.waitUntil(async () => Math.abs((await shown()).position - target) < 0.5, {
      timeout: 5_000,
      interval: 20,
      timeoutMsg: `the click did not seek to ${target.toFixed(1)} s: ${JSON.stringify(await shown())}`,
    });
    await waitUntilEnded(clipSeconds * 1000 + 10_000, 'the clip after the seek');
    expect(secondsOf((await shown()).time)).toBeCloseTo(clipSeconds, 0);
  });

  it('loops: with Loop on the clip starts over instead of ending', async function () {
    this.timeout(60_000);
    await $(byTestId('voice-transport-loop')).click();
    await expect($(byTestId('voice-transport-loop'))).toHaveAttribute('aria-pressed', 'true');
    await startTrace();
    await playClip();
    // One and a half lengths of the clip later it still plays, and its position went back.
    await browser.pause(clipSeconds * 1500);
    const entries = await stopTrace();
    expect((await shown()).transportButton).toBe('Pause');
    const positions = entries.filter((e) => e.button === 'Pause').map((e) => secondsOf(e.time));
    const wrapped = positions.some((p, i) => i > 0 && p < positions[i - 1] - 1);
    console.log(`playback: looped (${positions.length} positions seen, wrapped: ${wrapped})`);
    expect(wrapped).toBe(true);
    // Loop off, pause: the transport is quiet again for the next spec.
    await $(byTestId('voice-transport-loop')).click();
    await $(byTestId('voice-transport-play')).click();
    await expect($(byTestId('voice-transport-play'))).toHaveAttribute('aria-label', 'Play');
    await screenshot('playback');
  });
});
