import { describe, expect, it } from 'vitest';

import { buildRestyleRequest, mediaKindOf, normalizePath, restyledClipName } from './restyleRequest';

describe('mediaKindOf', () => {
  it.each([
    ['/a/beach.jpg', 'photo'],
    ['/a/logo.PNG', 'photo'],
    ['/a/photo.webp', 'photo'],
    ['/a/notes.txt', 'photo'],
    ['/a/no-extension', 'photo'],
    ['/a/clip.mp4', 'clip'],
    ['/a/CLIP.MOV', 'clip'],
    ['/a/clip.webm', 'clip'],
    ['/a/loop.gif', 'clip'],
    ['C:\\Users\\me\\clip.mkv', 'clip'],
  ])('%s is a %s', (path, kind) => {
    expect(mediaKindOf(path)).toBe(kind);
  });
});

describe('normalizePath', () => {
  it.each([
    ['  /home/me/a.png ', '/home/me/a.png'],
    ["'/home/me/my photo.png'", '/home/me/my photo.png'],
    ['"/home/me/a.png"', '/home/me/a.png'],
    ['file:///home/me/my%20photo.png', '/home/me/my photo.png'],
    ['', ''],
  ])('%j -> %j', (text, path) => {
    expect(normalizePath(text)).toBe(path);
  });
});

describe('restyledClipName', () => {
  it('is where the engine writes a clip by default', () => {
    expect(restyledClipName('/v/holiday.clip.mov')).toBe('holiday.clip-restyled.mp4');
    expect(restyledClipName('/v/clip')).toBe('clip-restyled.mp4');
  });
});

describe('buildRestyleRequest', () => {
  it('asks for a file first', () => {
    expect(buildRestyleRequest({ path: '  ', model: 'restyle-cartoon', strength: 1, smoothing: 0.5 })).toEqual({
      ok: false,
      message: 'Drop a photo or a clip here, or enter its path.',
    });
  });

  it('makes a photo request (no smoothing) and a clip request (output beside the clip)', () => {
    expect(buildRestyleRequest({ path: '/p/a.jpg', model: 'restyle-photo', strength: 0.4, smoothing: 0.5 })).toEqual({
      ok: true,
      job: { kind: 'photo', request: { input: '/p/a.jpg', model: 'restyle-photo', strength: 0.4 } },
    });
    expect(buildRestyleRequest({ path: '/v/a.mp4', model: 'restyle-cartoon', strength: 2, smoothing: 1 })).toEqual({
      ok: true,
      job: {
        kind: 'clip',
        request: { input: '/v/a.mp4', output: '', model: 'restyle-cartoon', strength: 1, smoothing: 0.95 },
      },
    });
  });
});
