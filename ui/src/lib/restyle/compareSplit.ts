/**
 * The before/after compare's split: the share of the width, in percent, that shows the original
 * (left of the divider). Pure, so pointer and keyboard rules are tested without a layout.
 */

export const DEFAULT_SPLIT = 50;
/** Arrow keys move the divider this much; Page Up/Down a quarter of the width. */
export const SPLIT_STEP = 5;
export const SPLIT_PAGE = 25;

const clamp = (value: number) => Math.min(100, Math.max(0, value));

/** The split under a pointer at `clientX` over a frame at `left` that is `width` wide. */
export function splitAtPointer(clientX: number, frame: { left: number; width: number }): number {
  if (frame.width <= 0) return DEFAULT_SPLIT;
  return clamp(((clientX - frame.left) / frame.width) * 100);
}

/**
 * The split after a key on the divider (a slider: arrows step, Page Up/Down jump, Home/End go to
 * the ends); null for a key it does not handle.
 */
export function splitAfterKey(key: string, split: number): number | null {
  switch (key) {
    case 'ArrowLeft':
    case 'ArrowDown':
      return clamp(split - SPLIT_STEP);
    case 'ArrowRight':
    case 'ArrowUp':
      return clamp(split + SPLIT_STEP);
    case 'PageDown':
      return clamp(split - SPLIT_PAGE);
    case 'PageUp':
      return clamp(split + SPLIT_PAGE);
    case 'Home':
      return 0;
    case 'End':
      return 100;
    default:
      return null;
  }
}
