import { describe, expect, it } from 'vitest';

import { snapMove, snapTargets } from './snapping';

const canvas = { slideWidth: 1080, height: 1350, slides: 1 };

describe('snap targets', () => {
  it('has the canvas edges and centre lines', () => {
    expect(snapTargets(canvas, [])).toEqual({ x: [0, 540, 1080], y: [0, 675, 1350] });
  });

  it('has every slide edge and centre of a carousel, and other layers', () => {
    const t = snapTargets({ ...canvas, slides: 3 }, [{ left: 100, top: 200, right: 300, bottom: 400 }]);
    expect(t.x).toEqual([0, 100, 200, 300, 540, 1080, 1620, 2160, 2700, 3240]);
    expect(t.y).toEqual([0, 200, 300, 400, 675, 1350]);
  });
});

describe('snapMove', () => {
  const targets = snapTargets(canvas, [{ left: 700, top: 100, right: 900, bottom: 300 }]);

  it('snaps the centre to the canvas centre within the threshold', () => {
    // A 200-wide box centred at 544: its centre is 4 px off the centre line.
    const r = snapMove({ left: 444, top: 500, right: 644, bottom: 600 }, targets, 6);
    expect(r.dx).toBe(-4);
    expect(r.dy).toBe(0);
    expect(r.guides).toEqual([{ axis: 'x', position: 540 }]);
  });

  it('snaps edges to another layer and to the canvas edge on both axes', () => {
    const r = snapMove({ left: 3, top: 303, right: 203, bottom: 403 }, targets, 6);
    expect(r.dx).toBe(-3);
    expect(r.dy).toBe(-3);
    expect(r.guides).toContainEqual({ axis: 'x', position: 0 });
    expect(r.guides).toContainEqual({ axis: 'y', position: 300 });
  });

  it('picks the nearest line and reports every line touched after snapping', () => {
    // Right edge 2 px from 700 (the other layer's left), left edge 5 px from 540.
    const r = snapMove({ left: 535, top: 1000, right: 698, bottom: 1100 }, targets, 6);
    expect(r.dx).toBe(2);
    expect(r.guides).toEqual([{ axis: 'x', position: 700 }]);
    // A box exactly between two lines touches both.
    const both = snapMove({ left: 1, top: 1000, right: 541, bottom: 1100 }, targets, 6);
    expect(both.dx).toBe(-1);
    expect(both.guides.map((g) => g.position)).toEqual([0, 540]);
  });

  it('does nothing beyond the threshold', () => {
    expect(snapMove({ left: 100, top: 500, right: 200, bottom: 560 }, targets, 6)).toEqual({ dx: 0, dy: 0, guides: [] });
  });
});
