import { describe, expect, it } from 'vitest';

import { BurstCounter, controlKeepsKey, isTypingTarget, keyAction, type KeyInput } from './keymap';

const key = (k: string, mods: Partial<KeyInput> = {}): KeyInput => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  altKey: false,
  ...mods,
});

describe('keyAction', () => {
  it.each([
    [key('z', { ctrlKey: true }), { type: 'undo' }],
    [key('z', { metaKey: true }), { type: 'undo' }],
    [key('Z', { ctrlKey: true, shiftKey: true }), { type: 'redo' }],
    [key('z', { metaKey: true, shiftKey: true }), { type: 'redo' }],
    [key('y', { ctrlKey: true }), { type: 'redo' }],
    [key('d', { ctrlKey: true }), { type: 'duplicate' }],
    [key('s', { metaKey: true }), { type: 'save' }],
    [key('Delete'), { type: 'delete' }],
    [key('Backspace'), { type: 'delete' }],
    [key('Escape'), { type: 'deselect' }],
    [key('ArrowLeft'), { type: 'nudge', dx: -1, dy: 0 }],
    [key('ArrowRight', { shiftKey: true }), { type: 'nudge', dx: 10, dy: 0 }],
    [key('ArrowUp'), { type: 'nudge', dx: 0, dy: -1 }],
    [key('ArrowDown', { shiftKey: true }), { type: 'nudge', dx: 0, dy: 10 }],
  ])('%j -> %j', (input, action) => {
    expect(keyAction(input)).toEqual(action);
  });

  it('reads the physical key on other layouts', () => {
    expect(keyAction(key('я', { code: 'KeyZ', ctrlKey: true }))).toEqual({ type: 'undo' });
  });

  it.each([
    key('z'),
    key('a', { ctrlKey: true }),
    key('z', { ctrlKey: true, altKey: true }),
    key('ArrowLeft', { ctrlKey: true }),
    key('ArrowLeft', { altKey: true }),
    key('Delete', { ctrlKey: true }),
    key('y', { ctrlKey: true, shiftKey: true }),
    key('Enter'),
  ])('leaves %j alone', (input) => {
    expect(keyAction(input)).toBeNull();
  });
});

describe('typing', () => {
  it.each([
    [{ tagName: 'INPUT', type: 'text' }, true],
    [{ tagName: 'INPUT', type: 'number' }, true],
    [{ tagName: 'INPUT' }, true],
    [{ tagName: 'TEXTAREA' }, true],
    [{ tagName: 'SELECT' }, true],
    [{ tagName: 'DIV', isContentEditable: true }, true],
    [{ tagName: 'INPUT', type: 'range' }, false],
    [{ tagName: 'INPUT', type: 'color' }, false],
    [{ tagName: 'BUTTON' }, false],
    [{ tagName: 'DIV' }, false],
    [null, false],
  ])('%j is typing: %s', (target, typing) => {
    expect(isTypingTarget(target)).toBe(typing);
  });

  it('leaves arrows to a focused slider', () => {
    expect(controlKeepsKey({ tagName: 'INPUT', type: 'range' }, { type: 'nudge', dx: 1, dy: 0 })).toBe(true);
    expect(controlKeepsKey({ tagName: 'INPUT', type: 'range' }, { type: 'undo' })).toBe(false);
    expect(controlKeepsKey({ tagName: 'BUTTON' }, { type: 'nudge', dx: 1, dy: 0 })).toBe(false);
  });
});

describe('BurstCounter', () => {
  it('groups presses closer than the gap', () => {
    const bursts = new BurstCounter(500);
    const a = bursts.press(1000);
    expect(bursts.press(1200)).toBe(a);
    expect(bursts.press(1650)).toBe(a);
    const b = bursts.press(2200);
    expect(b).not.toBe(a);
    bursts.reset();
    expect(bursts.press(2210)).not.toBe(b);
  });
});
