/**
 * Editor state that is not the post: crop mode, the safe-zone overlay, the inline text editor,
 * where an OS file drag hovers, and how the shown canvas maps to the screen (the stage registers
 * it, the drop handler reads it), and likewise the side panels' drop zones.
 */
import type { LayerId } from '../ipc';
import type { DropZone, PanelDropZone, RectLike } from './dropRouting';
import { screenToCanvas, type Point, type Viewport } from './geometry';

/** A panel's drop zone as the drop router sees it. */
export interface PanelDropTarget {
  rect: () => RectLike | null;
  drop: (paths: string[]) => void;
}

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
  /** The side panels' drop zones (Restyle, Sound) while they are mounted: see `registerPanelZone`. */
  readonly panelZones: Partial<Record<PanelDropZone, PanelDropTarget>> = {};

  /**
   * A panel's drop zone: where it is on screen (null while hidden) and what a drop there does.
   * Returns the unregistration, for the panel's `$effect` cleanup.
   */
  registerPanelZone(zone: PanelDropZone, target: PanelDropTarget): () => void {
    this.panelZones[zone] = target;
    return () => {
      if (this.panelZones[zone] === target) delete this.panelZones[zone];
    };
  }

  /** The canvas px under a page position, or null when the canvas is not shown. */
  canvasPointAt(clientX: number, clientY: number): Point | null {
    const vp = this.viewport?.() ?? null;
    return vp ? screenToCanvas(vp, clientX, clientY) : null;
  }
}
