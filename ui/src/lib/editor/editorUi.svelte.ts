/**
 * Editor state that is not the post: crop mode, the safe-zone overlay, the inline text editor,
 * where an OS file drag hovers, and how the shown canvas maps to the screen (the stage registers
 * it, the drop handler reads it), and likewise the Restyle and Sound panels' drop zones.
 */
import type { LayerId } from '../ipc';
import type { DropZone, RectLike } from './dropRouting';
import { screenToCanvas, type Point, type Viewport } from './geometry';

export class EditorUi {
  /** Crop handles instead of scale handles for the selected (image) layer. */
  cropMode = $state(false);
  /** Preview with the platform's safe zone (overlays=1). */
  safeZone = $state(false);
  /** The text layer being typed into on the canvas. */
  editingText: LayerId | null = $state(null);
  /** Where files dragged from the OS would land. */
  dropZone: DropZone | null = $state(null);

  /** Set by the stage: the shown canvas's place on screen. */
  viewport: (() => Viewport | null) | null = null;
  canvasRect: (() => RectLike | null) | null = null;
  binRect: (() => RectLike | null) | null = null;
  /** Set by the Restyle panel while it is shown: its drop zone, and what a drop there does. */
  restyleRect: (() => RectLike | null) | null = null;
  restyleDrop: ((paths: string[]) => void) | null = null;
  /** Set by the Sound panel while it is shown: its drop zone for sound files, and what a drop does. */
  soundRect: (() => RectLike | null) | null = null;
  soundDrop: ((paths: string[]) => void) | null = null;

  /** The canvas px under a page position, or null when the canvas is not shown. */
  canvasPointAt(clientX: number, clientY: number): Point | null {
    const vp = this.viewport?.() ?? null;
    return vp ? screenToCanvas(vp, clientX, clientY) : null;
  }
}
