// Run by ALSA's `file` plugin (see alsa.mjs): reads what the app plays from stdin (48 kHz stereo
// float32) at the pace of a real sound card and appends it to the capture file named by its
// argument. ALSA's `null` device alone would take a second of sound in a millisecond, and the
// app's position reports, pause and seek would never be seen as they are on real hardware.
//
// Small reads (4 KiB, about 10 ms of sound) with blocking I/O: the app's position then moves as
// smoothly as on a card. (Node's stream reads take 64 KiB at once, a sixth of a second.)

import { openSync, readSync, writeSync } from 'node:fs';

const BYTES_PER_SECOND = 48_000 * 2 * 4;
const CHUNK = 4096;

const capture = process.argv[2];
if (!capture) {
  console.error('usage: paced-alsa-reader.mjs CAPTURE_FILE');
  process.exit(2);
}
const out = openSync(capture, 'a');
const chunk = Buffer.alloc(CHUNK);
const sleeper = new Int32Array(new SharedArrayBuffer(4));
const started = process.hrtime.bigint();
let taken = 0;

for (;;) {
  let read;
  try {
    read = readSync(0, chunk, 0, CHUNK, null);
  } catch (error) {
    if (error.code === 'EAGAIN') {
      Atomics.wait(sleeper, 0, 0, 2);
      continue;
    }
    if (error.code === 'EOF') break;
    throw error;
  }
  if (read === 0) break;
  writeSync(out, chunk, 0, read);
  taken += read;
  // Stay at the card's pace: by now this much sound has been "played".
  const ahead = taken / BYTES_PER_SECOND - Number(process.hrtime.bigint() - started) / 1e9;
  if (ahead > 0) Atomics.wait(sleeper, 0, 0, ahead * 1000);
}
