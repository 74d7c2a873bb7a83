// The sound "card" of the end-to-end run: an ALSA configuration chosen per spec file, written
// before each app session starts (ALSA reads it once, when the app opens its output).
//
// - Most specs get no device at all (a card that does not exist), whatever the tester's machine
//   has: the run is the same on a laptop with speakers and on CI without a sound card, and it
//   never plays sound aloud.
// - The playback spec gets a capture device: ALSA's `plug` converts what the app plays to 48 kHz
//   stereo 32-bit float, and its `file` plugin pipes it to `paced-alsa-reader.mjs`, which takes it
//   at the pace of a real card and appends it to a capture file the spec reads.
//
// The configuration is self-contained (it does not include the system's alsa.conf), so a
// developer's ~/.asoundrc or sound server cannot change what the app sees.

import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** What the capture holds: interleaved little-endian float32, stereo, 48 kHz. */
export const CAPTURE_RATE = 48_000;
export const CAPTURE_CHANNELS = 2;

const readerScript = path.join(path.dirname(fileURLToPath(import.meta.url)), 'paced-alsa-reader.mjs');

/** Spec files that get the capture device (the rest get none). */
const CAPTURE_SPECS = ['playback.e2e.mjs'];

/** ALSA_CONFIG_PATH is split at colons and blanks: a path with either cannot be used. */
function plainPath(file) {
  if (/[:\s]/.test(file)) {
    throw new Error(`${file} cannot be put in ALSA_CONFIG_PATH (it has a colon or a blank); set TMPDIR to a plain path`);
  }
  return file;
}

/** `text` as one shell word. */
function shellQuote(text) {
  return `'${text.replaceAll("'", "'\\''")}'`;
}

/** `text` inside an ALSA configuration string. */
function alsaString(text) {
  return `"${text.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

const NO_DEVICE = `
pcm.!default {
    type hw
    card 99
}
`;

function captureConfig(captureFile, readerLog) {
  const reader = [process.execPath, readerScript, captureFile].map(shellQuote).join(' ');
  return `
pcm.!default {
    type plug
    slave {
        pcm "postcraft_capture"
        format FLOAT_LE
        rate ${CAPTURE_RATE}
        channels ${CAPTURE_CHANNELS}
    }
}
pcm.postcraft_capture {
    type file
    slave.pcm "postcraft_null"
    file ${alsaString(`|exec ${reader} 2>>${shellQuote(readerLog)}`)}
    format "raw"
}
pcm.postcraft_null {
    type null
}
`;
}

/**
 * Makes the folder of the run's ALSA configuration and points ALSA_CONFIG_PATH at it. Called once
 * in the launcher, before tauri-driver starts, so the app inherits the variable.
 */
export function prepareAlsa() {
  if (process.env.POSTCRAFT_E2E_ALSA_DIR) return;
  const dir = plainPath(mkdtempSync(path.join(os.tmpdir(), 'postcraft-e2e-alsa-')));
  process.env.POSTCRAFT_E2E_ALSA_DIR = dir;
  process.env.ALSA_CONFIG_PATH = path.join(dir, 'asound.conf');
  // No sound server either: the app must use the configuration above, nothing else.
  delete process.env.PULSE_SERVER;
  delete process.env.JACK_DEFAULT_SERVER;
  writeFileSync(process.env.ALSA_CONFIG_PATH, NO_DEVICE);
}

/**
 * Writes the configuration for the spec files of the session about to start, in the worker.
 * For a capture spec, POSTCRAFT_E2E_ALSA_CAPTURE names the (new, per session) capture file.
 */
export function configureAlsaFor(specs) {
  const dir = process.env.POSTCRAFT_E2E_ALSA_DIR;
  if (!dir) throw new Error('prepareAlsa() did not run in the launcher');
  const file = (spec) => (String(spec).startsWith('file:') ? fileURLToPath(spec) : String(spec));
  const wantsCapture = specs.some((spec) => CAPTURE_SPECS.includes(path.basename(file(spec))));
  if (!wantsCapture) {
    delete process.env.POSTCRAFT_E2E_ALSA_CAPTURE;
    writeFileSync(process.env.ALSA_CONFIG_PATH, NO_DEVICE);
    return;
  }
  const session = mkdtempSync(path.join(dir, 'capture-'));
  const captureFile = plainPath(path.join(session, 'out.f32'));
  process.env.POSTCRAFT_E2E_ALSA_CAPTURE = captureFile;
  process.env.POSTCRAFT_E2E_ALSA_READER_LOG = path.join(session, 'reader.log');
  writeFileSync(process.env.ALSA_CONFIG_PATH, captureConfig(captureFile, process.env.POSTCRAFT_E2E_ALSA_READER_LOG));
}
