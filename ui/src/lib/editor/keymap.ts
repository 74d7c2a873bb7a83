/**
 * The editor's keyboard shortcuts as a pure mapping from a key event to an action. Shortcuts are
 * off while the creator types (inputs, text areas, selects, editable content).
 */

export type KeyAction =
  | { type: 'undo' }
  | { type: 'redo' }
  | { type: 'delete' }
  | { type: 'duplicate' }
  | { type: 'save' }
  | { type: 'deselect' }
  | { type: 'nudge'; dx: number; dy: number };

/** The parts of a KeyboardEvent the keymap reads. */
export interface KeyInput {
  key: string;
  code?: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

export const NUDGE_PX = 1;
export const NUDGE_SHIFT_PX = 10;

/** The letter of a key, from `key` or, for other keyboard layouts, `code` (`KeyZ`). */
function letter(input: KeyInput): string {
  if (input.key.length === 1 && /[a-z]/i.test(input.key)) return input.key.toLowerCase();
  const match = /^Key([A-Z])$/.exec(input.code ?? '');
  return match ? match[1]!.toLowerCase() : '';
}

/** What a key press does, or null for keys the editor leaves alone. */
export function keyAction(input: KeyInput): KeyAction | null {
  const mod = input.ctrlKey || input.metaKey;
  if (mod && !input.altKey) {
    switch (letter(input)) {
      case 'z':
        return input.shiftKey ? { type: 'redo' } : { type: 'undo' };
      case 'y':
        return input.shiftKey ? null : { type: 'redo' };
      case 'd':
        return input.shiftKey ? null : { type: 'duplicate' };
      case 's':
        return input.shiftKey ? null : { type: 'save' };
      default:
        return null;
    }
  }
  if (mod || input.altKey) return null;
  const step = input.shiftKey ? NUDGE_SHIFT_PX : NUDGE_PX;
  switch (input.key) {
    case 'Delete':
    case 'Backspace':
      return { type: 'delete' };
    case 'Escape':
      return { type: 'deselect' };
    case 'ArrowLeft':
      return { type: 'nudge', dx: -step, dy: 0 };
    case 'ArrowRight':
      return { type: 'nudge', dx: step, dy: 0 };
    case 'ArrowUp':
      return { type: 'nudge', dx: 0, dy: -step };
    case 'ArrowDown':
      return { type: 'nudge', dx: 0, dy: step };
    default:
      return null;
  }
}

/** The parts of an element the typing check reads (an Element in the app). */
interface TargetLike {
  tagName?: string;
  isContentEditable?: boolean;
  type?: string;
}

const NON_TEXT_INPUTS = new Set(['button', 'checkbox', 'radio', 'range', 'color', 'submit', 'reset', 'file']);

/**
 * Whether keys go to a field the creator types in (then shortcuts stay off). Range, colour and
 * checkbox inputs do not count, except that arrows belong to a focused range input.
 */
export function isTypingTarget(target: EventTarget | TargetLike | null): boolean {
  if (!target || typeof target !== 'object') return false;
  const el = target as TargetLike;
  if (el.isContentEditable) return true;
  const tag = (el.tagName ?? '').toLowerCase();
  if (tag === 'textarea' || tag === 'select') return true;
  if (tag === 'input') return !NON_TEXT_INPUTS.has((el.type ?? 'text').toLowerCase());
  return false;
}

/**
 * Whether an action should be left to the focused control: arrows move a range slider or a
 * select, Delete/Backspace and Escape belong to any form field.
 */
export function controlKeepsKey(target: EventTarget | TargetLike | null, action: KeyAction): boolean {
  if (!target || typeof target !== 'object') return false;
  const el = target as TargetLike;
  const tag = (el.tagName ?? '').toLowerCase();
  if (tag !== 'input' && tag !== 'select') return false;
  if (action.type === 'nudge') return true;
  return action.type === 'delete';
}

/**
 * Key bursts: arrow presses less than `gapMs` apart form one gesture (one undo step). Pure: the
 * caller passes the time of each press.
 */
export class BurstCounter {
  #last = -Infinity;
  #count = 0;
  readonly #gapMs: number;

  constructor(gapMs = 700) {
    this.#gapMs = gapMs;
  }

  /** The burst id for a press at `now` (a new one after a pause of `gapMs`). */
  press(now: number): number {
    if (now - this.#last > this.#gapMs) this.#count++;
    this.#last = now;
    return this.#count;
  }

  /** Ends the current burst (the next press starts a new one). */
  reset(): void {
    this.#last = -Infinity;
  }
}
