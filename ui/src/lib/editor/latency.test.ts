import { describe, expect, it } from 'vitest';

import { LatencyRecorder, MAX_SAMPLES, percentile, previewLatency } from './latency';

function recorder() {
  let now = 0;
  const r = new LatencyRecorder(() => now);
  return { r, setNow: (t: number) => (now = t) };
}

describe('LatencyRecorder', () => {
  it('measures from the input to the first frame at or past the edit revision', () => {
    const { r, setNow } = recorder();
    r.edited('p', 5, 100);
    r.edited('p', 6, 110);
    setNow(140);
    r.drawn('p', 4);
    expect(r.stats.samples).toEqual([]);
    setNow(150);
    r.drawn('p', 5);
    expect(r.stats.samples).toEqual([50]);
    setNow(190);
    r.drawn('p', 8);
    expect(r.stats.samples).toEqual([50, 80]);
  });

  it('records nothing for an edit whose revision is already on screen, or for another project', () => {
    const { r, setNow } = recorder();
    r.drawn('p', 5);
    r.edited('p', 5, 0);
    r.edited('q', 6, 0);
    setNow(10);
    r.drawn('p', 6);
    expect(r.stats.samples).toEqual([]);
  });

  it('keeps the last 500 samples in the same array', () => {
    const { r, setNow } = recorder();
    const samples = r.stats.samples;
    for (let i = 1; i <= MAX_SAMPLES + 20; i++) {
      r.edited('p', i, 0);
      setNow(i);
      r.drawn('p', i);
    }
    expect(r.stats.samples).toBe(samples);
    expect(samples).toHaveLength(MAX_SAMPLES);
    expect(samples[0]).toBe(21);
    expect(samples.at(-1)).toBe(MAX_SAMPLES + 20);
  });

  it('is exposed on window for the benchmark', () => {
    expect(window.__postcraftPreviewStats).toBe(previewLatency.stats);
    expect(Array.isArray(window.__postcraftPreviewStats?.samples)).toBe(true);
  });
});

describe('percentile', () => {
  it('uses the nearest rank', () => {
    const values = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    expect(percentile(values, 50)).toBe(5);
    expect(percentile(values, 95)).toBe(10);
    expect(percentile(values, 0)).toBe(1);
    expect(percentile([], 50)).toBeNull();
  });
});
