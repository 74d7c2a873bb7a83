/** Validation of the Generate faces form: text in, a request or a message out. */
import { MAX_FACE_COUNT, MAX_SEED } from '../ipc';

export const DEFAULT_FACE_COUNT = 8;
export const DEFAULT_SEED = 42;

export type Parsed = { ok: true; value: number } | { ok: false; message: string };

function parseWholeNumber(text: string, what: string, min: number, max: number): Parsed {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, message: `Enter a ${what}.` };
  if (!/^[+-]?\d+$/.test(trimmed)) {
    return { ok: false, message: `The ${what} must be a whole number.` };
  }
  const value = Number(trimmed);
  if (value < min || value > max || !Number.isSafeInteger(value)) {
    return {
      ok: false,
      message: `The ${what} must be from ${min} to ${max.toLocaleString('en-US')}.`,
    };
  }
  return { ok: true, value };
}

export function parseCount(text: string): Parsed {
  return parseWholeNumber(text, 'count', 1, MAX_FACE_COUNT);
}

export function parseSeed(text: string): Parsed {
  return parseWholeNumber(text, 'seed', 0, MAX_SEED);
}

/** A uniformly random seed in 0..=MAX_SEED (53 bits). */
export function randomSeed(random: () => Uint32Array = () => crypto.getRandomValues(new Uint32Array(2))): number {
  const [high = 0, low = 0] = random();
  return (high & 0x1f_ffff) * 2 ** 32 + low;
}
