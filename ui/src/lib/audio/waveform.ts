/**
 * Drawing and keyboard rules of the waveform: pure, so they are tested without a window.
 */

/** Thinnest a slice is drawn (of the 100 units of height), so silence still shows as a line. */
const MIN_THICKNESS = 1.2;

/**
 * The filled outline of a waveform in a `peaks.length` x 100 box (amplitude 1 at the top, -1 at
 * the bottom): along the maxima left to right, back along the minima. Values are clamped to
 * [-1, 1]; an empty list draws nothing.
 */
export function waveformPath(peaks: readonly (readonly [number, number])[]): string {
  if (peaks.length === 0) return '';
  const clean = (v: number) => Math.min(1, Math.max(-1, Number.isFinite(v) ? v : 0));
  const y = (v: number) => 50 - v * 50;
  const tops: string[] = [];
  const bottoms: string[] = [];
  peaks.forEach(([a, b], i) => {
    let top = y(Math.max(clean(a), clean(b)));
    let bottom = y(Math.min(clean(a), clean(b)));
    if (bottom - top < MIN_THICKNESS) {
      const middle = (top + bottom) / 2;
      top = middle - MIN_THICKNESS / 2;
      bottom = middle + MIN_THICKNESS / 2;
    }
    const r = (v: number) => Math.round(v * 100) / 100;
    tops.push(`${i} ${r(top)} ${i + 1} ${r(top)}`);
    bottoms.push(`${i + 1} ${r(bottom)} ${i} ${r(bottom)}`);
  });
  return `M${tops.join(' L')} L${bottoms.reverse().join(' L')} Z`;
}

/** Seconds an arrow key moves; Page Up/Down move five times as far. */
export const SEEK_STEP_SECONDS = 1;

/** Where a key moves the position (null: not a seeking key). */
export function seekAfterKey(key: string, position: number, duration: number): number | null {
  const clamp = (v: number) => Math.min(duration, Math.max(0, v));
  switch (key) {
    case 'ArrowRight':
    case 'ArrowUp':
      return clamp(position + SEEK_STEP_SECONDS);
    case 'ArrowLeft':
    case 'ArrowDown':
      return clamp(position - SEEK_STEP_SECONDS);
    case 'PageUp':
      return clamp(position + 5 * SEEK_STEP_SECONDS);
    case 'PageDown':
      return clamp(position - 5 * SEEK_STEP_SECONDS);
    case 'Home':
      return 0;
    case 'End':
      return duration;
    default:
      return null;
  }
}
