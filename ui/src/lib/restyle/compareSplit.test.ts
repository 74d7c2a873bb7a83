import { describe, expect, it } from 'vitest';

import { DEFAULT_SPLIT, splitAfterKey, splitAtPointer } from './compareSplit';

describe('splitAtPointer', () => {
  it('is the share of the frame left of the pointer, kept inside it', () => {
    expect(splitAtPointer(150, { left: 100, width: 200 })).toBe(25);
    expect(splitAtPointer(50, { left: 100, width: 200 })).toBe(0);
    expect(splitAtPointer(400, { left: 100, width: 200 })).toBe(100);
    expect(splitAtPointer(10, { left: 0, width: 0 })).toBe(DEFAULT_SPLIT);
  });
});

describe('splitAfterKey', () => {
  it.each([
    ['ArrowRight', 50, 55],
    ['ArrowUp', 50, 55],
    ['ArrowLeft', 50, 45],
    ['ArrowDown', 2, 0],
    ['PageUp', 90, 100],
    ['PageDown', 50, 25],
    ['Home', 40, 0],
    ['End', 40, 100],
  ])('%s from %d gives %d', (key, from, to) => {
    expect(splitAfterKey(key, from)).toBe(to);
  });

  it('leaves other keys alone', () => {
    expect(splitAfterKey('Tab', 50)).toBeNull();
    expect(splitAfterKey('a', 50)).toBeNull();
  });
});
