/**
 * Canvas geometry for the editor's interaction chrome: fitting the canvas into the stage,
 * canvas <-> screen mapping, rotated layer boxes, hit testing and what dragging a handle does to
 * a transform or a crop. Pure functions, no DOM.
 *
 * Conventions (as in the engine): canvas pixels, y down; a transform places a layer's centre at
 * (x, y), scales its own size (`LayerSize`) by scale_x/scale_y (both > 0) and rotates it
 * `rotation_deg` clockwise. Crop is a rectangle of fractions of the source; a layer's size is the
 * size after its crop.
 */
import type { Crop, Layer, LayerId, Transform } from '../ipc';

export interface Point {
  x: number;
  y: number;
}

export interface Size {
  width: number;
  height: number;
}

/** A rotated rectangle in canvas pixels: centre, size (after scale), clockwise degrees. */
export interface Box {
  cx: number;
  cy: number;
  width: number;
  height: number;
  rotation: number;
}

/** An axis-aligned rectangle. */
export interface Bounds {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

const DEG = Math.PI / 180;

/** Rotates `p` by `deg` degrees clockwise (y down) around the origin. */
export function rotate(p: Point, deg: number): Point {
  if (deg === 0) return { x: p.x, y: p.y };
  const a = deg * DEG;
  const cos = Math.cos(a);
  const sin = Math.sin(a);
  return { x: p.x * cos - p.y * sin, y: p.x * sin + p.y * cos };
}

const add = (a: Point, b: Point): Point => ({ x: a.x + b.x, y: a.y + b.y });
const sub = (a: Point, b: Point): Point => ({ x: a.x - b.x, y: a.y - b.y });

/** Degrees in (-180, 180]. */
export function normalizeDegrees(deg: number): number {
  let d = deg % 360;
  if (d > 180) d -= 360;
  if (d <= -180) d += 360;
  return d === 0 ? 0 : d; // no -0
}

/** The box a layer of own size `size` covers under `t`. */
export function layerBox(t: Transform, size: Size): Box {
  return {
    cx: t.x,
    cy: t.y,
    width: size.width * t.scale_x,
    height: size.height * t.scale_y,
    rotation: t.rotation_deg,
  };
}

/** `p` in the box's own frame: relative to its centre, unrotated. */
export function toBoxFrame(box: Box, p: Point): Point {
  return rotate({ x: p.x - box.cx, y: p.y - box.cy }, -box.rotation);
}

/** A point given in the box's own frame, back in canvas coordinates. */
export function fromBoxFrame(box: Box, local: Point): Point {
  return add({ x: box.cx, y: box.cy }, rotate(local, box.rotation));
}

/** Corners clockwise from the top left (nw, ne, se, sw). */
export function boxCorners(box: Box): [Point, Point, Point, Point] {
  const w = box.width / 2;
  const h = box.height / 2;
  return [
    fromBoxFrame(box, { x: -w, y: -h }),
    fromBoxFrame(box, { x: w, y: -h }),
    fromBoxFrame(box, { x: w, y: h }),
    fromBoxFrame(box, { x: -w, y: h }),
  ];
}

/** Whether `p` lies inside the rotated box (edges included), with `tolerance` canvas px of slack. */
export function boxContains(box: Box, p: Point, tolerance = 0): boolean {
  const local = toBoxFrame(box, p);
  return (
    Math.abs(local.x) <= box.width / 2 + tolerance && Math.abs(local.y) <= box.height / 2 + tolerance
  );
}

/** The axis-aligned bounds of a rotated box. */
export function boxBounds(box: Box): Bounds {
  const corners = boxCorners(box);
  const xs = corners.map((c) => c.x);
  const ys = corners.map((c) => c.y);
  return {
    left: Math.min(...xs),
    top: Math.min(...ys),
    right: Math.max(...xs),
    bottom: Math.max(...ys),
  };
}

/** Sizes by layer id, from `ProjectView.layerSizes`. */
export type SizeLookup = (id: LayerId) => Size | undefined;

/**
 * The topmost visible layer whose rotated box contains `p`, or null. `layers` is bottom first
 * (as in the post).
 */
export function hitTest(layers: readonly Layer[], sizeOf: SizeLookup, p: Point): LayerId | null {
  for (let i = layers.length - 1; i >= 0; i--) {
    const layer = layers[i]!;
    if (!layer.visible) continue;
    const size = sizeOf(layer.id);
    if (!size) continue;
    if (boxContains(layerBox(layer.transform, size), p)) return layer.id;
  }
  return null;
}

// --- Fitting and mapping -----------------------------------------------------------------------

/** Where the canvas sits in the stage: CSS pixels, and CSS pixels per canvas pixel. */
export interface Fit {
  left: number;
  top: number;
  width: number;
  height: number;
  scale: number;
}

/**
 * Fits a `canvas`-sized canvas into a `stage`, centred, keeping its aspect, with `padding` CSS px
 * around it. Never upscales beyond `maxScale`.
 */
export function fitCanvas(stage: Size, canvas: Size, padding = 24, maxScale = 4): Fit {
  const availW = Math.max(1, stage.width - 2 * padding);
  const availH = Math.max(1, stage.height - 2 * padding);
  const scale = Math.max(
    1e-6,
    Math.min(availW / Math.max(1, canvas.width), availH / Math.max(1, canvas.height), maxScale),
  );
  const width = canvas.width * scale;
  const height = canvas.height * scale;
  return {
    left: (stage.width - width) / 2,
    top: (stage.height - height) / 2,
    width,
    height,
    scale,
  };
}

/**
 * The preview's pixel size for a canvas shown `cssWidth` CSS px wide: device pixels, rounded,
 * height from the canvas aspect (so the frame is never stretched), at least 1x1.
 */
export function previewPixelSize(cssWidth: number, dpr: number, canvas: Size): Size {
  const width = Math.max(1, Math.round(cssWidth * (dpr > 0 ? dpr : 1)));
  const height = Math.max(1, Math.round((width * canvas.height) / Math.max(1, canvas.width)));
  return { width, height };
}

/** Screen mapping of the shown canvas: `origin` is the canvas's top-left in client px. */
export interface Viewport {
  originX: number;
  originY: number;
  /** CSS px per canvas px. */
  scale: number;
}

export function screenToCanvas(vp: Viewport, clientX: number, clientY: number): Point {
  return { x: (clientX - vp.originX) / vp.scale, y: (clientY - vp.originY) / vp.scale };
}

export function canvasToScreen(vp: Viewport, p: Point): Point {
  return { x: vp.originX + p.x * vp.scale, y: vp.originY + p.y * vp.scale };
}

// --- Handles -----------------------------------------------------------------------------------

export type ResizeHandle = 'nw' | 'n' | 'ne' | 'e' | 'se' | 's' | 'sw' | 'w';
export type HandleId = ResizeHandle | 'rotate';

export const RESIZE_HANDLES: readonly ResizeHandle[] = ['nw', 'n', 'ne', 'e', 'se', 's', 'sw', 'w'];

/** Each handle's direction from the centre, in the box's frame. */
export const HANDLE_DIRECTIONS: Readonly<Record<ResizeHandle, readonly [number, number]>> = {
  nw: [-1, -1],
  n: [0, -1],
  ne: [1, -1],
  e: [1, 0],
  se: [1, 1],
  s: [0, 1],
  sw: [-1, 1],
  w: [-1, 0],
};

export function isCorner(handle: ResizeHandle): boolean {
  const [hx, hy] = HANDLE_DIRECTIONS[handle];
  return hx !== 0 && hy !== 0;
}

/** Where a handle sits on the box, in canvas px. */
export function handlePosition(box: Box, handle: ResizeHandle): Point {
  const [hx, hy] = HANDLE_DIRECTIONS[handle];
  return fromBoxFrame(box, { x: (hx * box.width) / 2, y: (hy * box.height) / 2 });
}

/** The rotate handle: `distance` canvas px above the middle of the top edge (in the box's frame). */
export function rotateHandlePosition(box: Box, distance: number): Point {
  return fromBoxFrame(box, { x: 0, y: -box.height / 2 - distance });
}

/**
 * The resize cursor for a handle of a box rotated `rotation` degrees (the nearest of the four
 * CSS double-arrow cursors).
 */
export function handleCursor(handle: ResizeHandle, rotation: number): string {
  const [hx, hy] = HANDLE_DIRECTIONS[handle];
  const angle = (Math.atan2(hy, hx) / DEG + rotation + 360) % 180; // direction, mod 180
  const cursors = ['ew-resize', 'nwse-resize', 'ns-resize', 'nesw-resize'];
  return cursors[Math.round(angle / 45) % 4]!;
}

export interface ResizeOptions {
  /** Corner handles only: keep the width:height ratio. */
  keepAspect: boolean;
  /** Scale around the centre rather than the opposite handle. */
  fromCenter: boolean;
  /** Smallest width/height of the box, canvas px. */
  minSize: number;
}

/**
 * The transform after dragging `handle` of a layer (own size `size`, transform `start` when the
 * drag began) to `pointer` (canvas px). The opposite handle (or the centre) stays put; the
 * rotation does not change.
 */
export function resizeFromHandle(
  start: Transform,
  size: Size,
  handle: ResizeHandle,
  pointer: Point,
  options: ResizeOptions,
): Transform {
  const [hx, hy] = HANDLE_DIRECTIONS[handle];
  const ownW = Math.max(1e-6, size.width);
  const ownH = Math.max(1e-6, size.height);
  const w0 = ownW * start.scale_x;
  const h0 = ownH * start.scale_y;
  const rot = start.rotation_deg;
  const centre0 = { x: start.x, y: start.y };
  const span = options.fromCenter ? 2 : 1;
  const anchorLocal = options.fromCenter ? { x: 0, y: 0 } : { x: (-hx * w0) / 2, y: (-hy * h0) / 2 };
  const anchor = add(centre0, rotate(anchorLocal, rot));
  const d = rotate(sub(pointer, anchor), -rot);
  const min = Math.max(1e-3, options.minSize);

  let w = w0;
  let h = h0;
  if (options.keepAspect && hx !== 0 && hy !== 0) {
    // Project the pointer onto the diagonal through the anchor and the handle.
    const hxLen = (hx * w0) / span;
    const hyLen = (hy * h0) / span;
    const k0 = (d.x * hxLen + d.y * hyLen) / (hxLen * hxLen + hyLen * hyLen);
    const k = Math.max(k0, min / w0, min / h0);
    w = w0 * k;
    h = h0 * k;
  } else {
    if (hx !== 0) w = Math.max(min, hx * d.x * span);
    if (hy !== 0) h = Math.max(min, hy * d.y * span);
  }

  const centre = options.fromCenter
    ? centre0
    : add(anchor, rotate({ x: (hx * w) / 2, y: (hy * h) / 2 }, rot));
  return {
    x: centre.x,
    y: centre.y,
    scale_x: w / ownW,
    scale_y: h / ownH,
    rotation_deg: rot,
  };
}

/** The snapping step of the rotate handle with Shift. */
export const ROTATE_SNAP_DEG = 15;

/**
 * The transform after dragging the rotate handle from `from` to `to` (canvas px): the layer
 * turns by the angle the pointer swept around its centre. With `snap`, the result is a multiple
 * of 15 degrees.
 */
export function rotateFromPointer(start: Transform, from: Point, to: Point, snap: boolean): Transform {
  const a0 = Math.atan2(from.y - start.y, from.x - start.x);
  const a1 = Math.atan2(to.y - start.y, to.x - start.x);
  let deg = start.rotation_deg + (a1 - a0) / DEG;
  if (snap) deg = Math.round(deg / ROTATE_SNAP_DEG) * ROTATE_SNAP_DEG;
  return { ...start, rotation_deg: normalizeDegrees(deg) };
}

/** The transform moved by `delta` canvas px. */
export function translate(start: Transform, delta: Point): Transform {
  return { ...start, x: start.x + delta.x, y: start.y + delta.y };
}

// --- Crop --------------------------------------------------------------------------------------

export const FULL_CROP: Readonly<Crop> = Object.freeze({ x: 0, y: 0, width: 1, height: 1 });

/** A crop in effect (null: all of the source). */
export function effectiveCrop(crop: Crop | null): Crop {
  return crop ?? { ...FULL_CROP };
}

/** Whether a crop covers all of the source. */
export function isFullCrop(crop: Crop, epsilon = 1e-4): boolean {
  return (
    Math.abs(crop.x) < epsilon &&
    Math.abs(crop.y) < epsilon &&
    Math.abs(crop.width - 1) < epsilon &&
    Math.abs(crop.height - 1) < epsilon
  );
}

/** The state a crop drag starts from. */
export interface CropState {
  transform: Transform;
  crop: Crop | null;
  /** The layer's own size after its crop. */
  size: Size;
}

/** The source's own size (before the crop) of a layer in `state`. */
export function sourceSize(state: CropState): Size {
  const c = effectiveCrop(state.crop);
  return { width: state.size.width / c.width, height: state.size.height / c.height };
}

/**
 * The box the whole (uncropped) source would cover, for drawing it faintly in crop mode: the
 * visible part stays where it is.
 */
export function sourceBox(state: CropState): Box {
  const { transform: t } = state;
  const c = effectiveCrop(state.crop);
  const src = sourceSize(state);
  // Source centre relative to the layer centre, own (unscaled) px.
  const local = {
    x: (0.5 - (c.x + c.width / 2)) * src.width,
    y: (0.5 - (c.y + c.height / 2)) * src.height,
  };
  const centre = add({ x: t.x, y: t.y }, rotate({ x: local.x * t.scale_x, y: local.y * t.scale_y }, t.rotation_deg));
  return {
    cx: centre.x,
    cy: centre.y,
    width: src.width * t.scale_x,
    height: src.height * t.scale_y,
    rotation: t.rotation_deg,
  };
}

/**
 * Dragging a crop handle to `pointer`: the handle's edges follow the pointer over the source
 * (clamped to it, at least `minFraction` of it kept), the shown part of the picture does not move
 * on the canvas, so the layer's centre shifts with the crop. Returns the new crop (null when it
 * covers the whole source), transform and own size.
 */
export function cropFromHandle(
  start: CropState,
  handle: ResizeHandle,
  pointer: Point,
  minFraction = 0.02,
): CropState {
  const [hx, hy] = HANDLE_DIRECTIONS[handle];
  const t = start.transform;
  const c = effectiveCrop(start.crop);
  const src = sourceSize(start);
  // Pointer in the layer's own unscaled frame, relative to its centre.
  const r = rotate(sub(pointer, { x: t.x, y: t.y }), -t.rotation_deg);
  const q = { x: r.x / t.scale_x, y: r.y / t.scale_y };
  // The source's left/top edge in that frame.
  const left0 = -start.size.width / 2 - c.x * src.width;
  const top0 = -start.size.height / 2 - c.y * src.height;
  const fx = (q.x - left0) / src.width;
  const fy = (q.y - top0) / src.height;
  const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

  let left = c.x;
  let right = c.x + c.width;
  let top = c.y;
  let bottom = c.y + c.height;
  if (hx < 0) left = clamp(fx, 0, right - minFraction);
  if (hx > 0) right = clamp(fx, left + minFraction, 1);
  if (hy < 0) top = clamp(fy, 0, bottom - minFraction);
  if (hy > 0) bottom = clamp(fy, top + minFraction, 1);

  const crop: Crop = { x: left, y: top, width: right - left, height: bottom - top };
  const size = { width: crop.width * src.width, height: crop.height * src.height };
  const localCentre = {
    x: left0 + ((left + right) / 2) * src.width,
    y: top0 + ((top + bottom) / 2) * src.height,
  };
  const centre = add(
    { x: t.x, y: t.y },
    rotate({ x: localCentre.x * t.scale_x, y: localCentre.y * t.scale_y }, t.rotation_deg),
  );
  return {
    transform: { ...t, x: centre.x, y: centre.y },
    crop: isFullCrop(crop) ? null : crop,
    size,
  };
}
