import { describe, expect, it } from 'vitest';

import { layer, shape } from '../../test/backend';
import type { Transform } from '../ipc';
import {
  boxBounds,
  boxContains,
  boxCorners,
  canvasToScreen,
  cropFromHandle,
  fitCanvas,
  handleCursor,
  handlePosition,
  hitTest,
  layerBox,
  normalizeDegrees,
  previewPixelSize,
  resizeFromHandle,
  rotate,
  rotateFromPointer,
  rotateHandlePosition,
  screenToCanvas,
  sourceBox,
  type Point,
} from './geometry';

const close = (a: Point, b: Point, digits = 6) => {
  expect(a.x).toBeCloseTo(b.x, digits);
  expect(a.y).toBeCloseTo(b.y, digits);
};

const at = (x: number, y: number, extra: Partial<Transform> = {}): Transform => ({
  x,
  y,
  scale_x: 1,
  scale_y: 1,
  rotation_deg: 0,
  ...extra,
});

describe('rotation', () => {
  it('turns clockwise on screen (y down)', () => {
    close(rotate({ x: 1, y: 0 }, 90), { x: 0, y: 1 });
    close(rotate({ x: 0, y: 1 }, 90), { x: -1, y: 0 });
    close(rotate({ x: 1, y: 0 }, -90), { x: 0, y: -1 });
  });

  it.each([
    [0, 0],
    [190, -170],
    [-180, 180],
    [360, 0],
    [-370, -10],
    [540, 180],
  ])('normalizes %d to %d', (input, output) => {
    expect(normalizeDegrees(input)).toBe(output);
  });
});

describe('boxes', () => {
  it('scales the own size', () => {
    expect(layerBox(at(10, 20, { scale_x: 2, scale_y: 0.5 }), { width: 100, height: 40 })).toEqual({
      cx: 10,
      cy: 20,
      width: 200,
      height: 20,
      rotation: 0,
    });
  });

  it('hit-tests a rotated box', () => {
    const box = layerBox(at(100, 100, { rotation_deg: 90 }), { width: 200, height: 50 });
    // Turned upright: 50 wide, 200 tall.
    expect(boxContains(box, { x: 100, y: 190 })).toBe(true);
    expect(boxContains(box, { x: 120, y: 100 })).toBe(true);
    expect(boxContains(box, { x: 190, y: 100 })).toBe(false);
    expect(boxContains(box, { x: 130, y: 100 })).toBe(false);
    expect(boxContains(box, { x: 130, y: 100 }, 6)).toBe(true);
  });

  it('gives corners clockwise from the top left, and axis-aligned bounds', () => {
    const box = layerBox(at(0, 0, { rotation_deg: 45 }), { width: 2, height: 2 });
    const [nw, ne, se, sw] = boxCorners(box);
    const r = Math.SQRT2;
    close(nw, { x: 0, y: -r });
    close(ne, { x: r, y: 0 });
    close(se, { x: 0, y: r });
    close(sw, { x: -r, y: 0 });
    const b = boxBounds(box);
    expect(b.left).toBeCloseTo(-r);
    expect(b.right).toBeCloseTo(r);
    expect(b.top).toBeCloseTo(-r);
    expect(b.bottom).toBeCloseTo(r);
  });

  it('picks the topmost visible layer under the point', () => {
    const layers = [
      layer(1, shape(1000, 1000), { transform: at(540, 675) }),
      layer(2, shape(100, 100), { transform: at(500, 500) }),
      layer(3, shape(100, 100), { transform: at(520, 500), visible: false }),
      layer(4, shape(100, 100), { transform: at(900, 900) }),
    ];
    const sizes = new Map(layers.map((l) => [l.id, l.content.type === 'shape' ? { width: l.content.width, height: l.content.height } : undefined]));
    const sizeOf = (id: number) => sizes.get(id);
    expect(hitTest(layers, sizeOf, { x: 530, y: 500 })).toBe(2); // 3 is hidden
    expect(hitTest(layers, sizeOf, { x: 300, y: 300 })).toBe(1);
    expect(hitTest(layers, sizeOf, { x: 1070, y: 1300 })).toBeNull();
    expect(hitTest(layers, () => undefined, { x: 500, y: 500 })).toBeNull();
  });
});

describe('fitting and mapping', () => {
  it('fits the canvas into the stage, centred, keeping its aspect', () => {
    const fit = fitCanvas({ width: 800, height: 600 }, { width: 1080, height: 1350 }, 28);
    expect(fit.scale).toBeCloseTo(544 / 1350);
    expect(fit.height).toBeCloseTo(544);
    expect(fit.width).toBeCloseTo(1080 * (544 / 1350));
    expect(fit.left).toBeCloseTo((800 - fit.width) / 2);
    expect(fit.top).toBeCloseTo(28);
  });

  it('fits a wide carousel by its width', () => {
    const fit = fitCanvas({ width: 800, height: 600 }, { width: 3240, height: 1350 }, 20);
    expect(fit.scale).toBeCloseTo(760 / 3240);
    expect(fit.width).toBeCloseTo(760);
  });

  it('sizes the preview in device pixels with the canvas aspect', () => {
    expect(previewPixelSize(400, 2, { width: 1080, height: 1350 })).toEqual({ width: 800, height: 1000 });
    expect(previewPixelSize(401.3, 1.5, { width: 1080, height: 1080 })).toEqual({ width: 602, height: 602 });
    expect(previewPixelSize(0, 1, { width: 1080, height: 1350 })).toEqual({ width: 1, height: 1 });
  });

  it('maps screen and canvas both ways', () => {
    const vp = { originX: 120, originY: 40, scale: 0.5 };
    close(screenToCanvas(vp, 170, 90), { x: 100, y: 100 });
    close(canvasToScreen(vp, { x: 100, y: 100 }), { x: 170, y: 90 });
  });
});

describe('handles', () => {
  const size = { width: 100, height: 100 };
  const options = { keepAspect: false, fromCenter: false, minSize: 4 };

  it('places handles on the rotated box and the rotate handle above it', () => {
    const box = layerBox(at(500, 500, { rotation_deg: 90 }), { width: 200, height: 100 });
    close(handlePosition(box, 'e'), { x: 500, y: 600 });
    close(handlePosition(box, 'n'), { x: 550, y: 500 });
    close(rotateHandlePosition(box, 20), { x: 570, y: 500 });
    expect(handleCursor('e', 0)).toBe('ew-resize');
    expect(handleCursor('e', 90)).toBe('ns-resize');
    expect(handleCursor('se', 0)).toBe('nwse-resize');
    expect(handleCursor('ne', 0)).toBe('nesw-resize');
  });

  it('scales from a corner keeping the aspect, the opposite corner fixed', () => {
    const t = resizeFromHandle(at(500, 500), size, 'se', { x: 650, y: 640 }, { ...options, keepAspect: true });
    // Projection of (200, 190) from the nw corner onto the diagonal (100, 100): k = 1.95.
    expect(t.scale_x).toBeCloseTo(1.95);
    expect(t.scale_y).toBeCloseTo(1.95);
    expect(t.x).toBeCloseTo(450 + 97.5);
    expect(t.y).toBeCloseTo(450 + 97.5);
  });

  it('scales a corner freely without keepAspect', () => {
    const t = resizeFromHandle(at(500, 500), size, 'nw', { x: 400, y: 430 }, options);
    expect(t.scale_x).toBeCloseTo(1.5);
    expect(t.scale_y).toBeCloseTo(1.2);
    expect(t.x).toBeCloseTo(475);
    expect(t.y).toBeCloseTo(490);
  });

  it('moves one side only', () => {
    const t = resizeFromHandle(at(500, 500), size, 'e', { x: 600, y: 999 }, options);
    expect(t).toEqual({ x: 525, y: 500, scale_x: 1.5, scale_y: 1, rotation_deg: 0 });
  });

  it('moves a side of a rotated layer along its own axis', () => {
    // Rotated 90°: the east handle points down the screen.
    const t = resizeFromHandle(at(500, 500, { rotation_deg: 90 }), size, 'e', { x: 530, y: 600 }, options);
    expect(t.scale_x).toBeCloseTo(1.5);
    expect(t.scale_y).toBeCloseTo(1);
    expect(t.x).toBeCloseTo(500);
    expect(t.y).toBeCloseTo(525);
    expect(t.rotation_deg).toBe(90);
  });

  it('scales around the centre with fromCenter', () => {
    const t = resizeFromHandle(at(500, 500), size, 'e', { x: 600, y: 500 }, { ...options, fromCenter: true });
    expect(t).toEqual({ x: 500, y: 500, scale_x: 2, scale_y: 1, rotation_deg: 0 });
  });

  it('never goes below the minimum size or flips', () => {
    const t = resizeFromHandle(at(500, 500), size, 'e', { x: 300, y: 500 }, options);
    expect(t.scale_x).toBeCloseTo(0.04);
    expect(t.x).toBeCloseTo(452);
    const k = resizeFromHandle(at(500, 500), size, 'se', { x: 0, y: 0 }, { ...options, keepAspect: true });
    expect(k.scale_x).toBeCloseTo(0.04);
    expect(k.scale_y).toBeCloseTo(0.04);
  });

  it('rotates by the angle swept around the centre, snapping to 15° with Shift', () => {
    const start = at(0, 0, { rotation_deg: 10 });
    expect(rotateFromPointer(start, { x: 0, y: -100 }, { x: 100, y: 0 }, false).rotation_deg).toBeCloseTo(100);
    const a = (37 * Math.PI) / 180;
    const to = { x: 100 * Math.sin(a), y: -100 * Math.cos(a) };
    expect(rotateFromPointer(at(0, 0), { x: 0, y: -100 }, to, false).rotation_deg).toBeCloseTo(37);
    expect(rotateFromPointer(at(0, 0), { x: 0, y: -100 }, to, true).rotation_deg).toBe(30);
    expect(rotateFromPointer(at(0, 0, { rotation_deg: 170 }), { x: 0, y: -100 }, { x: 100, y: 0 }, false).rotation_deg).toBeCloseTo(-100);
  });
});

describe('crop', () => {
  const photo = { transform: at(400, 300), crop: null, size: { width: 800, height: 600 } };

  it('crops the left edge without moving the picture', () => {
    const next = cropFromHandle(photo, 'w', { x: 100, y: 300 });
    expect(next.crop).toEqual({ x: 0.125, y: 0, width: 0.875, height: 1 });
    expect(next.size).toEqual({ width: 700, height: 600 });
    expect(next.transform.x).toBeCloseTo(450);
    expect(next.transform.y).toBeCloseTo(300);
  });

  it('works on a scaled layer with an existing crop', () => {
    const state = {
      transform: at(900, 600, { scale_x: 2, scale_y: 2 }),
      crop: { x: 0.125, y: 0, width: 0.875, height: 1 },
      size: { width: 700, height: 600 },
    };
    // Source: 800x600 own px, 1600x1200 on the canvas from (0, 0). Drag the bottom edge to y=900.
    const next = cropFromHandle(state, 's', { x: 900, y: 900 });
    expect(next.crop?.x).toBeCloseTo(0.125);
    expect(next.crop?.height).toBeCloseTo(0.75);
    expect(next.size.height).toBeCloseTo(450);
    expect(next.transform.y).toBeCloseTo(450);
    expect(next.transform.x).toBeCloseTo(900);
  });

  it('keeps the opposite edges in place on a rotated layer', () => {
    const state = { transform: at(500, 500, { rotation_deg: 30, scale_x: 0.5, scale_y: 0.5 }), crop: null, size: { width: 800, height: 600 } };
    const before = boxCorners(layerBox(state.transform, state.size));
    const grab = handlePosition(layerBox(state.transform, state.size), 'nw');
    const next = cropFromHandle(state, 'nw', { x: grab.x + 40, y: grab.y + 60 });
    const after = boxCorners(layerBox(next.transform, next.size));
    close(after[2], before[2], 4); // se corner stays
    expect(next.crop!.x).toBeGreaterThan(0);
    expect(next.crop!.y).toBeGreaterThan(0);
  });

  it('clamps to the source and to a minimum, and gives null for the whole source', () => {
    expect(cropFromHandle(photo, 'w', { x: -500, y: 300 }).crop).toBeNull();
    const tiny = cropFromHandle(photo, 'e', { x: -100, y: 300 }, 0.05);
    expect(tiny.crop?.width).toBeCloseTo(0.05);
    expect(tiny.crop?.x).toBe(0);
  });

  it('shows where the whole source lies', () => {
    const state = { transform: at(400, 300), crop: { x: 0, y: 0, width: 0.5, height: 1 }, size: { width: 400, height: 600 } };
    const box = sourceBox(state);
    expect(box.cx).toBeCloseTo(600);
    expect(box.cy).toBeCloseTo(300);
    expect(box.width).toBeCloseTo(800);
    expect(box.height).toBeCloseTo(600);
  });
});
