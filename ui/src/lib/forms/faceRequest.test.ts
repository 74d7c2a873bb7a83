import { describe, expect, it } from 'vitest';

import { MAX_FACE_COUNT, MAX_SEED } from '../ipc';
import { parseCount, parseSeed, randomSeed } from './faceRequest';

describe('parseCount', () => {
  it.each(['1', '8', ' 12 ', String(MAX_FACE_COUNT)])('accepts %j', (text) => {
    expect(parseCount(text)).toEqual({ ok: true, value: Number(text) });
  });

  it.each([
    ['', 'Enter a count.'],
    ['0', 'The count must be from 1 to 1,024.'],
    ['-3', 'The count must be from 1 to 1,024.'],
    [String(MAX_FACE_COUNT + 1), 'The count must be from 1 to 1,024.'],
    ['2.5', 'The count must be a whole number.'],
    ['1e3', 'The count must be a whole number.'],
    ['eight', 'The count must be a whole number.'],
  ])('rejects %j', (text, message) => {
    expect(parseCount(text)).toEqual({ ok: false, message });
  });
});

describe('parseSeed', () => {
  it.each(['0', '42', String(MAX_SEED)])('accepts %j', (text) => {
    expect(parseSeed(text)).toEqual({ ok: true, value: Number(text) });
  });

  it('keeps the largest seed exact', () => {
    const parsed = parseSeed('9007199254740991');
    expect(parsed.ok && parsed.value).toBe(9007199254740991);
  });

  it.each(['-1', '9007199254740992', '99999999999999999999'])('rejects %j as out of range', (text) => {
    const parsed = parseSeed(text);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.message).toBe(
      'The seed must be from 0 to 9,007,199,254,740,991.',
    );
  });

  it('rejects an empty seed', () => {
    expect(parseSeed('  ')).toEqual({ ok: false, message: 'Enter a seed.' });
  });
});

describe('randomSeed', () => {
  it('spans 0..=MAX_SEED', () => {
    expect(randomSeed(() => new Uint32Array([0, 0]))).toBe(0);
    expect(randomSeed(() => new Uint32Array([0xffff_ffff, 0xffff_ffff]))).toBe(MAX_SEED);
    expect(randomSeed(() => new Uint32Array([1, 2]))).toBe(2 ** 32 + 2);
  });

  it('gives valid, varying seeds', () => {
    const seeds = new Set(Array.from({ length: 20 }, () => randomSeed()));
    expect(seeds.size).toBeGreaterThan(15);
    for (const seed of seeds) expect(parseSeed(String(seed)).ok).toBe(true);
  });
});
