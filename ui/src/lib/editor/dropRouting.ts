/**
 * Where files dragged from the OS land: on the canvas (imported and placed under the pointer),
 * on the media bin (imported only), on the Restyle panel's drop zone (the file to restyle), on
 * the Sound tool's drop zone (sound files to import as clips), or elsewhere (refused). Pure:
 * rectangles come from the DOM.
 */
import type { Point } from './geometry';

/** The side panels' own drop zones: a drop there goes to the panel, not to the post. */
export type PanelDropZone = 'restyle' | 'sound';
export type DropZone = 'canvas' | 'bin' | PanelDropZone;

export function isPanelDropZone(zone: DropZone | null): zone is PanelDropZone {
  return zone === 'restyle' || zone === 'sound';
}

/** The parts of a DOMRect the router reads. */
export interface RectLike {
  left: number;
  top: number;
  width: number;
  height: number;
}

function inside(rect: RectLike | null | undefined, p: Point): boolean {
  if (!rect || rect.width <= 0 || rect.height <= 0) return false;
  return p.x >= rect.left && p.x <= rect.left + rect.width && p.y >= rect.top && p.y <= rect.top + rect.height;
}

/**
 * The zone under `p` (CSS px of the page). The media bin wins where they overlap (it is drawn
 * over the stage); the Restyle and Sound drop zones are in the side panel, beside both (one
 * panel shows at a time).
 */
export function dropZoneAt(
  p: Point,
  zones: { canvas?: RectLike | null; bin?: RectLike | null; restyle?: RectLike | null; sound?: RectLike | null },
): DropZone | null {
  if (inside(zones.restyle, p)) return 'restyle';
  if (inside(zones.sound, p)) return 'sound';
  if (inside(zones.bin, p)) return 'bin';
  if (inside(zones.canvas, p)) return 'canvas';
  return null;
}

/**
 * The import request a drop makes, or null when it lands outside the canvas and the bin (the
 * panels' zones handle their own drops) or brings no files.
 */
export function dropRequest(
  zone: DropZone | null,
  paths: readonly string[],
  canvasPoint: Point | null,
): { paths: string[]; place: boolean; at: [number, number] | null } | null {
  if ((zone !== 'canvas' && zone !== 'bin') || paths.length === 0) return null;
  if (zone === 'bin') return { paths: [...paths], place: false, at: null };
  return {
    paths: [...paths],
    place: true,
    at: canvasPoint ? [Math.round(canvasPoint.x), Math.round(canvasPoint.y)] : null,
  };
}

/** The file name of a path (either separator). */
export function fileName(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts.filter((p) => p !== '').at(-1) ?? path;
}
