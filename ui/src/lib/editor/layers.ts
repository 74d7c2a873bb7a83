/** Layer helpers for the panels: order, kinds, defaults of new layers, colours. Pure. */
import type { Layer, LayerContent } from '../ipc';

export type LayerKind = LayerContent['type'];

export const KIND_LABELS: Readonly<Record<LayerKind, string>> = {
  image: 'Image',
  video: 'Video',
  generated: 'Generated image',
  text: 'Text',
  shape: 'Shape',
};

/** Whether a layer shows pixels of a source file (it can be cropped). */
export function isCroppable(layer: Pick<Layer, 'content'>): boolean {
  const t = layer.content.type;
  return t === 'image' || t === 'generated' || t === 'video';
}

/** Layers topmost first (the list's order), with their index in the post (bottom first). */
export function topFirst(layers: readonly Layer[]): { layer: Layer; index: number }[] {
  return layers.map((layer, index) => ({ layer, index })).reverse();
}

/** A position in the top-first list as the post's bottom-first index (what MoveLayer takes). */
export function bottomIndex(topIndex: number, count: number): number {
  return count - 1 - topIndex;
}

/**
 * Where a row dragged from `fromTop` lands (a top-first index) when the pointer is at `pointerY`;
 * `rowMids` are the vertical middles of all rows, top first, as laid out before the drag.
 */
export function reorderTarget(fromTop: number, pointerY: number, rowMids: readonly number[]): number {
  let to = 0;
  rowMids.forEach((mid, i) => {
    if (i !== fromTop && pointerY > mid) to++;
  });
  return Math.min(Math.max(0, to), Math.max(0, rowMids.length - 1));
}

/** The text a new Text layer gets. */
export const DEFAULT_TEXT = 'Your text';

/** A new text layer: "Your text", 96 px, white, wrapping at 80% of a slide. */
export function defaultTextContent(slideWidth: number): LayerContent {
  return {
    type: 'text',
    text: DEFAULT_TEXT,
    font_size: 96,
    color: [255, 255, 255, 255],
    wrap_width: Math.round(slideWidth * 0.8),
  };
}

/**
 * A text layer holding `text` (written words): white, wrapping at 80% of a slide, smaller the
 * longer the text (96 px up to 40 characters, 64 px up to 120, then 44 px).
 */
export function writtenTextContent(text: string, slideWidth: number): LayerContent {
  const length = [...text].length;
  const fontSize = length <= 40 ? 96 : length <= 120 ? 64 : 44;
  return { type: 'text', text, font_size: fontSize, color: [255, 255, 255, 255], wrap_width: Math.round(slideWidth * 0.8) };
}

/** A new shape: a 400 x 400 rectangle in the accent colour. */
export function defaultShapeContent(): LayerContent {
  return { type: 'shape', shape: 'rectangle', fill: [139, 123, 255, 255], width: 400, height: 400 };
}

export type Rgba = [number, number, number, number];

const hex2 = (v: number) => Math.min(255, Math.max(0, Math.round(v))).toString(16).padStart(2, '0');

/** `#rrggbb` of an RGBA colour (alpha dropped, for `<input type=color>`). */
export function rgbaToHex(color: readonly number[]): string {
  return `#${hex2(color[0] ?? 0)}${hex2(color[1] ?? 0)}${hex2(color[2] ?? 0)}`;
}

/** RGBA from `#rrggbb` (or `#rgb`) and an alpha 0-255; null when the text is not a colour. */
export function hexToRgba(hex: string, alpha = 255): Rgba | null {
  let h = hex.trim().replace(/^#/, '');
  if (/^[0-9a-f]{3}$/i.test(h)) h = h.replace(/./g, (c) => c + c);
  if (!/^[0-9a-f]{6}$/i.test(h)) return null;
  const n = parseInt(h, 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255, Math.min(255, Math.max(0, Math.round(alpha)))];
}

/** CSS colour of an RGBA colour. */
export function rgbaCss(color: readonly number[]): string {
  const [r = 0, g = 0, b = 0, a = 255] = color;
  return `rgb(${r} ${g} ${b} / ${Math.round((a / 255) * 1000) / 10}%)`;
}

/** The last part of a folder path (the project's name). */
export function folderName(dir: string): string {
  const parts = dir.split(/[\\/]/).filter((p) => p !== '');
  return parts.at(-1) ?? dir;
}

/**
 * The id of the layer a command added: the highest id in `after` that `before` did not have
 * (null when none was added).
 */
export function addedLayerId(before: readonly Layer[], after: readonly Layer[]): Layer['id'] | null {
  const had = new Set(before.map((l) => l.id));
  let added: Layer['id'] | null = null;
  for (const layer of after) {
    if (!had.has(layer.id) && (added === null || layer.id > added)) added = layer.id;
  }
  return added;
}
