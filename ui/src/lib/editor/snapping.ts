/**
 * Snapping while a layer is moved: its left/centre/right and top/middle/bottom lines snap to the
 * canvas's edges and centre lines, every slide's edges and centre, and the edges and centres of
 * the other layers (their axis-aligned bounds), when within a threshold. Pure.
 */
import type { Bounds } from './geometry';

/** A snapping line: `axis: 'x'` is a vertical line at x = position. */
export interface Guide {
  axis: 'x' | 'y';
  position: number;
}

/** Candidate lines, canvas px. */
export interface SnapTargets {
  x: number[];
  y: number[];
}

export interface CanvasGeometry {
  slideWidth: number;
  height: number;
  slides: number;
}

/** Screen pixels within which a line snaps. */
export const SNAP_SCREEN_PX = 6;

function unique(values: number[]): number[] {
  return [...new Set(values.map((v) => Math.round(v * 1000) / 1000))].sort((a, b) => a - b);
}

/** The lines a moving layer snaps to. `others` are the bounds of the other (visible) layers. */
export function snapTargets(canvas: CanvasGeometry, others: readonly Bounds[]): SnapTargets {
  const width = canvas.slideWidth * canvas.slides;
  const x: number[] = [0, width / 2, width];
  for (let i = 0; i < canvas.slides; i++) {
    x.push(i * canvas.slideWidth, (i + 0.5) * canvas.slideWidth, (i + 1) * canvas.slideWidth);
  }
  const y: number[] = [0, canvas.height / 2, canvas.height];
  for (const b of others) {
    x.push(b.left, (b.left + b.right) / 2, b.right);
    y.push(b.top, (b.top + b.bottom) / 2, b.bottom);
  }
  return { x: unique(x), y: unique(y) };
}

export interface SnapResult {
  /** Offset to add to the moved layer's position, canvas px. */
  dx: number;
  dy: number;
  /** The lines it now touches (to draw). */
  guides: Guide[];
}

function snapAxis(lines: number[], targets: number[], threshold: number): { offset: number; hits: number[] } {
  let best: number | null = null;
  for (const line of lines) {
    for (const target of targets) {
      const diff = target - line;
      if (Math.abs(diff) <= threshold && (best === null || Math.abs(diff) < Math.abs(best))) {
        best = diff;
      }
    }
  }
  if (best === null) return { offset: 0, hits: [] };
  const offset = best;
  const epsilon = 0.5;
  const hits = targets.filter((t) => lines.some((line) => Math.abs(line + offset - t) <= epsilon));
  return { offset, hits };
}

/**
 * Snaps `bounds` (the moving layer's bounds at the proposed position) to `targets` within
 * `threshold` canvas px (the screen threshold divided by the view scale). Each axis snaps to its
 * nearest line independently.
 */
export function snapMove(bounds: Bounds, targets: SnapTargets, threshold: number): SnapResult {
  const xs = [bounds.left, (bounds.left + bounds.right) / 2, bounds.right];
  const ys = [bounds.top, (bounds.top + bounds.bottom) / 2, bounds.bottom];
  const sx = snapAxis(xs, targets.x, threshold);
  const sy = snapAxis(ys, targets.y, threshold);
  return {
    dx: sx.offset,
    dy: sy.offset,
    guides: [
      ...sx.hits.map((position) => ({ axis: 'x' as const, position })),
      ...sy.hits.map((position) => ({ axis: 'y' as const, position })),
    ],
  };
}
