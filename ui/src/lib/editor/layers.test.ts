import { describe, expect, it } from 'vitest';

import { image, layer, shape, text } from '../../test/backend';
import {
  addedLayerId,
  bottomIndex,
  defaultShapeContent,
  defaultTextContent,
  folderName,
  hexToRgba,
  isCroppable,
  reorderTarget,
  rgbaCss,
  rgbaToHex,
  topFirst,
} from './layers';

describe('layer order', () => {
  const layers = [layer(1, shape()), layer(2, text()), layer(3, image())];

  it('lists topmost first with post indices', () => {
    expect(topFirst(layers).map(({ layer: l, index }) => [l.id, index])).toEqual([
      [3, 2],
      [2, 1],
      [1, 0],
    ]);
    expect(bottomIndex(0, 3)).toBe(2);
    expect(bottomIndex(2, 3)).toBe(0);
  });

  it('finds where a dragged row lands', () => {
    const mids = [20, 60, 100, 140];
    expect(reorderTarget(0, 10, mids)).toBe(0);
    expect(reorderTarget(0, 70, mids)).toBe(1);
    expect(reorderTarget(0, 500, mids)).toBe(3);
    expect(reorderTarget(3, 0, mids)).toBe(0);
    expect(reorderTarget(3, 90, mids)).toBe(2);
    expect(reorderTarget(1, 60, mids)).toBe(1);
  });

  it('finds the layer a command added', () => {
    expect(addedLayerId(layers, [...layers, layer(7, shape()), layer(5, shape())])).toBe(7);
    expect(addedLayerId(layers, layers.slice(1))).toBeNull();
  });

  it('knows which layers crop', () => {
    expect(isCroppable(layer(1, image()))).toBe(true);
    expect(isCroppable(layer(1, text()))).toBe(false);
    expect(isCroppable(layer(1, shape()))).toBe(false);
  });
});

describe('defaults', () => {
  it('makes text of 96 px, white, wrapping at 80% of the slide', () => {
    expect(defaultTextContent(1080)).toEqual({
      type: 'text',
      text: 'Your text',
      font_size: 96,
      color: [255, 255, 255, 255],
      wrap_width: 864,
    });
  });

  it('makes a 400 x 400 rectangle', () => {
    expect(defaultShapeContent()).toMatchObject({ type: 'shape', shape: 'rectangle', width: 400, height: 400 });
  });
});

describe('colours and names', () => {
  it('converts RGBA and hex', () => {
    expect(rgbaToHex([255, 128, 0, 10])).toBe('#ff8000');
    expect(hexToRgba('#ff8000', 10)).toEqual([255, 128, 0, 10]);
    expect(hexToRgba('#fff')).toEqual([255, 255, 255, 255]);
    expect(hexToRgba('nope')).toBeNull();
    expect(rgbaCss([255, 0, 0, 255])).toBe('rgb(255 0 0 / 100%)');
  });

  it('names a project by its folder', () => {
    expect(folderName('/home/me/Postcraft/My post/')).toBe('My post');
    expect(folderName('C:\\Posts\\Summer')).toBe('Summer');
  });
});
