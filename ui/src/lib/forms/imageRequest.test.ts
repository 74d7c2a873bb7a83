import { describe, expect, it } from 'vitest';

import { MAX_FACE_COUNT, MAX_SEED } from '../ipc';
import type { ImageSource } from '../jobs/imageJobState';
import {
  buildInterpolateRequest,
  parseCount,
  parseFps,
  parseFrames,
  parseSeed,
  parseUpscale,
  randomSeed,
  suggestedAnimationPath,
  varyRequest,
  type AnimationForm,
} from './imageRequest';

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

describe('parseUpscale', () => {
  it('is nothing while off, else the side and the sharpening', () => {
    expect(parseUpscale(false, 'nonsense', 0.5)).toEqual({ ok: true, value: undefined });
    expect(parseUpscale(true, ' 1080 ', 0.5)).toEqual({ ok: true, value: { longest: 1080, sharpen: 0.5 } });
    expect(parseUpscale(true, '4097', 0.5)).toEqual({ ok: false, message: 'The size must be from 1 to 4,096.' });
    expect(parseUpscale(true, '', 0.5)).toEqual({ ok: false, message: 'Enter a size.' });
  });
});

describe('frames and fps', () => {
  it('take the engine\'s ranges', () => {
    expect(parseFrames('2')).toEqual({ ok: true, value: 2 });
    expect(parseFrames('600')).toEqual({ ok: true, value: 600 });
    expect(parseFrames('1')).toEqual({ ok: false, message: 'The number of frames must be from 2 to 600.' });
    expect(parseFps('60')).toEqual({ ok: true, value: 60 });
    expect(parseFps('0')).toEqual({ ok: false, message: 'The frame rate must be from 1 to 60.' });
  });
});

const face = (seed: number, index: number, model = 'dcgan-faces'): ImageSource => ({ model, seed, index, variation: null });

describe('varyRequest', () => {
  it('asks for variations of the image, in its model, with the upscale setting', () => {
    expect(varyRequest(face(42, 2), 'subtle', 4, undefined)).toEqual({
      model: 'dcgan-faces',
      count: 4,
      seed: 42,
      vary: { index: 2, strength: 0.2 },
    });
    expect(varyRequest(face(7, 0, 'dcgan-stickers'), 'strong', 2, { longest: 1080, sharpen: 0.5 })).toEqual({
      model: 'dcgan-stickers',
      count: 2,
      seed: 7,
      vary: { index: 0, strength: 0.5 },
      upscale: { longest: 1080, sharpen: 0.5 },
    });
  });
});

describe('suggestedAnimationPath', () => {
  it('names the file after the model and both ends, in the project folder', () => {
    expect(suggestedAnimationPath('/home/me/Postcraft/My post/', face(42, 0), face(7, 2), 'gif')).toBe(
      '/home/me/Postcraft/My post/dcgan-faces-42-0-to-7-2.gif',
    );
    expect(suggestedAnimationPath('C:\\Posts\\One', face(1, 1), face(1, 3), 'mp4')).toBe(
      'C:\\Posts\\One\\dcgan-faces-1-1-to-1-3.mp4',
    );
    expect(suggestedAnimationPath(null, face(1, 1), face(1, 3), 'mp4')).toBe('');
  });
});

describe('buildInterpolateRequest', () => {
  const form: AnimationForm = {
    from: face(42, 0),
    to: face(7, 2),
    frames: '24',
    fps: '12',
    pingPong: true,
    format: 'gif',
    output: ' /p/a.gif ',
    upscale: undefined,
  };

  it('makes the request', () => {
    expect(buildInterpolateRequest(form)).toEqual({
      ok: true,
      request: {
        model: 'dcgan-faces',
        fromSeed: 42,
        fromIndex: 0,
        toSeed: 7,
        toIndex: 2,
        frames: 24,
        fps: 12,
        pingPong: true,
        format: 'gif',
        output: '/p/a.gif',
      },
    });
    const upscaled = buildInterpolateRequest({ ...form, upscale: { longest: 512, sharpen: 0 } });
    expect(upscaled.ok && upscaled.request.upscale).toEqual({ longest: 512, sharpen: 0 });
  });

  it('animates towards a variation by its number and strength', () => {
    const variation = { number: 1, strength: 0.2 };
    const built = buildInterpolateRequest({ ...form, to: { ...face(7, 2), variation } });
    expect(built.ok && built.request.toVariation).toEqual(variation);
    expect(built.ok && built.request.fromVariation).toBeUndefined();
  });

  it.each([
    [{ to: null }, 'Choose a start and an end image.'],
    [{ to: face(7, 2, 'dcgan-stickers') }, 'Both ends must come from the same model.'],
    [{ frames: 'x' }, 'The number of frames must be a whole number.'],
    [{ fps: '61' }, 'The frame rate must be from 1 to 60.'],
    [{ output: '  ' }, 'Enter the file to write.'],
  ] as [Partial<AnimationForm>, string][])('refuses %j: %s', (change, message) => {
    expect(buildInterpolateRequest({ ...form, ...change })).toEqual({ ok: false, message });
  });
});
