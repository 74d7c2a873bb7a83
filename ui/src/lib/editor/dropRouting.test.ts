import { describe, expect, it } from 'vitest';

import { dropRequest, dropZoneAt, fileName } from './dropRouting';

const canvas = { left: 100, top: 50, width: 400, height: 500 };
const bin = { left: 80, top: 520, width: 600, height: 90 };

describe('dropZoneAt', () => {
  it('routes by position, the bin winning where it overlaps the stage', () => {
    expect(dropZoneAt({ x: 300, y: 300 }, { canvas, bin })).toBe('canvas');
    expect(dropZoneAt({ x: 300, y: 540 }, { canvas, bin })).toBe('bin');
    expect(dropZoneAt({ x: 90, y: 300 }, { canvas, bin })).toBeNull();
    expect(dropZoneAt({ x: 300, y: 300 }, { canvas: null, bin })).toBeNull();
    expect(dropZoneAt({ x: 0, y: 0 }, { canvas: { left: 0, top: 0, width: 0, height: 0 } })).toBeNull();
  });

  it('routes drops on the Restyle panel\'s zone to it, whatever is under it', () => {
    const restyle = { left: 700, top: 60, width: 300, height: 140 };
    expect(dropZoneAt({ x: 800, y: 100 }, { canvas, bin, restyle })).toBe('restyle');
    expect(dropZoneAt({ x: 300, y: 300 }, { canvas, bin, restyle })).toBe('canvas');
    // A hidden panel registers no zone.
    expect(dropZoneAt({ x: 800, y: 100 }, { canvas, bin, restyle: null })).toBeNull();
  });

  it("routes drops on the Sound tool's zone to it", () => {
    const sound = { left: 700, top: 260, width: 300, height: 120 };
    expect(dropZoneAt({ x: 800, y: 300 }, { canvas, bin, sound })).toBe('sound');
    expect(dropZoneAt({ x: 300, y: 300 }, { canvas, bin, sound })).toBe('canvas');
    expect(dropZoneAt({ x: 800, y: 300 }, { canvas, bin, sound: null })).toBeNull();
  });
});

describe('dropRequest', () => {
  it('places files dropped on the canvas under the pointer', () => {
    expect(dropRequest('canvas', ['/a.png', '/b.jpg'], { x: 540.4, y: 99.6 })).toEqual({
      paths: ['/a.png', '/b.jpg'],
      place: true,
      at: [540, 100],
    });
  });

  it('only imports files dropped on the bin', () => {
    expect(dropRequest('bin', ['/a.png'], null)).toEqual({ paths: ['/a.png'], place: false, at: null });
  });

  it('refuses drops elsewhere or without files, and leaves the Restyle zone to its panel', () => {
    expect(dropRequest(null, ['/a.png'], null)).toBeNull();
    expect(dropRequest('restyle', ['/a.png'], null)).toBeNull();
    expect(dropRequest('sound', ['/a.mp3'], null)).toBeNull();
    expect(dropRequest('canvas', [], { x: 1, y: 1 })).toBeNull();
  });
});

describe('fileName', () => {
  it.each([
    ['/home/me/notes.txt', 'notes.txt'],
    ['C:\\Users\\me\\photo.jpg', 'photo.jpg'],
    ['photo.png', 'photo.png'],
    ['/dir/', 'dir'],
  ])('%s -> %s', (path, name) => {
    expect(fileName(path)).toBe(name);
  });
});
