import { describe, expect, it } from 'vitest';

import { seekAfterKey, waveformPath } from './waveform';

describe('waveformPath', () => {
  it('outlines the maxima left to right and the minima back, in a peaks x 100 box', () => {
    expect(waveformPath([
      [-1, 1],
      [-0.5, 0.25],
    ])).toBe('M0 0 1 0 L1 37.5 2 37.5 L2 75 1 75 L1 100 0 100 Z');
  });

  it('draws silence as a thin line, clamps and tolerates swapped or broken values', () => {
    expect(waveformPath([[0, 0]])).toBe('M0 49.4 1 49.4 L1 50.6 0 50.6 Z');
    expect(waveformPath([[2, -3]])).toBe('M0 0 1 0 L1 100 0 100 Z');
    expect(waveformPath([[Number.NaN, 0.5]])).toBe('M0 25 1 25 L1 50 0 50 Z');
    expect(waveformPath([])).toBe('');
  });
});

describe('seekAfterKey', () => {
  it('moves a second per arrow, five per page, to the ends with Home and End, within the clip', () => {
    expect(seekAfterKey('ArrowRight', 2, 10)).toBe(3);
    expect(seekAfterKey('ArrowLeft', 0.5, 10)).toBe(0);
    expect(seekAfterKey('PageUp', 7, 10)).toBe(10);
    expect(seekAfterKey('PageDown', 7, 10)).toBe(2);
    expect(seekAfterKey('Home', 7, 10)).toBe(0);
    expect(seekAfterKey('End', 7, 10)).toBe(10);
    expect(seekAfterKey('a', 7, 10)).toBeNull();
  });
});
