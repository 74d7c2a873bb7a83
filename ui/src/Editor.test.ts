/**
 * The canvas editor against a fake engine (src/test/backend.ts): selection, drags, handles,
 * undo, keyboard, layer list, inspector, adding, drops, text editing, export, preview frames.
 *
 * jsdom lays nothing out: `stubLayout` makes every element 800x600 at the page's top left, so
 * the 1080x1350 canvas is shown at 544/1350 CSS px per canvas px with its origin at (0, 0).
 */
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';

import App from './App.svelte';
import { previewLatency } from './lib/editor/latency';
import type { Edit, Transform } from './lib/ipc';
import {
  emitFileDrag,
  image,
  installProjectBackend,
  layer,
  PROJECT_DIR,
  removeBackend,
  shape,
  stubCanvas,
  stubLayout,
  text,
  type FakeProjectOptions,
} from './test/backend';

const SCALE = 544 / 1350;
/** Client position of a canvas point. */
const client = (x: number, y: number) => ({ clientX: x * SCALE, clientY: y * SCALE });

afterEach(() => {
  removeBackend();
});

const at = (x: number, y: number, extra: Partial<Transform> = {}): Transform => ({
  x,
  y,
  scale_x: 1,
  scale_y: 1,
  rotation_deg: 0,
  ...extra,
});

/** A red 400x400 square at (300, 300) under a text layer at (700, 1000). */
const LAYERS = [
  layer(1, shape(), { name: 'Square', transform: at(300, 300) }),
  layer(2, text('Hello'), { name: 'Title', transform: at(700, 1000) }),
];

async function renderEditor(options: FakeProjectOptions = {}) {
  const backend = installProjectBackend({ layers: LAYERS, ...options });
  const canvas = stubCanvas();
  stubLayout();
  render(App);
  await waitFor(() => expect(screen.getByTestId('preview-canvas').dataset.revision).toBeDefined());
  return { backend, canvas };
}

const stage = () => screen.getByTestId('post-canvas');
const selectionBox = () => screen.queryByTestId('selection-box');
const setTransforms = (edits: Edit[]) =>
  edits.filter((e): e is Extract<Edit, { edit: 'set-transform' }> => e.edit === 'set-transform');

async function pointer(type: 'down' | 'move' | 'up', target: Element, x: number, y: number, extra = {}) {
  const init = { ...client(x, y), pointerId: 1, button: 0, ...extra };
  if (type === 'down') await fireEvent.pointerDown(target, init);
  else if (type === 'move') await fireEvent.pointerMove(target, init);
  else await fireEvent.pointerUp(target, init);
}

async function click(x: number, y: number) {
  await pointer('down', stage(), x, y);
  await pointer('up', stage(), x, y);
}

async function selectLayers() {
  await fireEvent.click(screen.getByTestId('tool-canvas'));
}

describe('project and preview', () => {
  it('shows the project, the preset and the engine preview of the current revision', async () => {
    const { backend, canvas } = await renderEditor();
    expect(screen.getByTestId('project-name').textContent).toBe('My post');
    expect(screen.getByTestId('preset-chip').textContent).toContain('Instagram portrait · 1080×1350');
    const preview = screen.getByTestId<HTMLCanvasElement>('preview-canvas');
    expect(preview.dataset.revision).toBe('1');
    // Device pixels of the shown size, with the canvas aspect; the whole canvas is fetched.
    const call = backend.previewCalls[0]!;
    expect(call).toEqual({ rev: 1, w: Math.round(1080 * SCALE), h: Math.round((Math.round(1080 * SCALE) * 1350) / 1080), overlays: false });
    expect(canvas.draws.at(-1)).toEqual({ width: call.w, height: call.h });
    expect(preview.width).toBe(call.w);
    expect(screen.getByTestId('post-canvas').textContent).not.toContain('Your post starts here');
  });

  it('keeps the hint on an empty post', async () => {
    await renderEditor({ layers: [] });
    expect(stage().textContent).toContain('Your post starts here');
  });

  it('asks for the safe-zone overlay', async () => {
    const { backend } = await renderEditor();
    const toggle = screen.getByTestId('safe-zone-toggle');
    expect(toggle.getAttribute('aria-pressed')).toBe('false');
    await fireEvent.click(toggle);
    expect(toggle.getAttribute('aria-pressed')).toBe('true');
    await waitFor(() => expect(backend.previewCalls.at(-1)?.overlays).toBe(true));
    expect(backend.previewCalls.at(-1)?.rev).toBe(1);
  });

  it('offers a new project when none could be opened', async () => {
    const backend = installProjectBackend({ project: 'error' });
    stubCanvas();
    render(App);
    const card = await screen.findByTestId('no-project');
    expect(card.textContent).toContain('The projects folder is not writable.');
    await waitFor(() => expect(within(card).getByRole('button', { name: 'New project' })).toHaveProperty('disabled', false));
    await fireEvent.click(within(card).getByRole('button', { name: 'New project' }));
    await waitFor(() => expect(backend.calls.find((c) => c.cmd === 'project_create')?.args).toEqual({ dir: null, preset: 'instagram-portrait' }));
  });

  it('records edit-to-pixels latency for the frame of the edit', async () => {
    await renderEditor();
    previewLatency.clear();
    await fireEvent.click(screen.getByTestId('add-shape'));
    await waitFor(() => expect(screen.getByTestId('preview-canvas').dataset.revision).toBe('2'));
    expect(window.__postcraftPreviewStats?.samples).toHaveLength(1);
    expect(window.__postcraftPreviewStats!.samples[0]).toBeGreaterThanOrEqual(0);
  });
});

describe('selection and dragging', () => {
  it('selects by click, topmost first, and deselects on empty canvas', async () => {
    await renderEditor();
    expect(selectionBox()).toBeNull();
    await click(300, 300);
    expect(selectionBox()?.dataset.layer).toBe('1');
    for (const h of ['nw', 'ne', 'sw', 'se', 'n', 's', 'e', 'w', 'rotate']) {
      expect(screen.getByTestId(`handle-${h}`)).toBeTruthy();
    }
    await click(700, 1000);
    expect(selectionBox()?.dataset.layer).toBe('2');
    await click(1000, 100);
    expect(selectionBox()).toBeNull();
  });

  it('drags a layer with SetTransform edits of one gesture, one request in flight', async () => {
    const { backend } = await renderEditor({ holdEdits: true });
    await pointer('down', stage(), 300, 300);
    await pointer('move', stage(), 320, 330);
    await pointer('move', stage(), 350, 380);
    await pointer('move', stage(), 400, 420);
    // One request in flight; the box follows the pointer at once.
    expect(backend.editCalls).toHaveLength(1);
    const polygon = selectionBox()!.getAttribute('points')!;
    const firstX = Number(polygon.split(/[ ,]/)[0]);
    expect(firstX).toBeCloseTo((400 - 200) * SCALE, 1);

    backend.releaseEdits();
    await waitFor(() => expect(backend.editCalls).toHaveLength(2));
    await pointer('move', stage(), 450, 450);
    await pointer('up', stage(), 450, 450);
    backend.releaseEdits();
    await waitFor(() => expect(backend.editCalls).toHaveLength(3));
    backend.releaseEdits();

    const gestures = new Set(backend.editCalls.map((c) => c.gesture));
    expect(gestures.size).toBe(1);
    expect([...gestures][0]).toMatch(/^drag-\d+$/);
    // The waiting moves were coalesced: the second request carries the latest position only.
    const second = setTransforms(backend.editCalls[1]!.edits);
    expect(second).toHaveLength(1);
    expect(second[0]!.transform.x).toBeCloseTo(400, 6);
    const last = setTransforms(backend.editCalls[2]!.edits)[0]!;
    expect(last.id).toBe(1);
    expect(last.transform.x).toBeCloseTo(450, 6);
    expect(last.transform.y).toBeCloseTo(450, 6);
    await waitFor(() => expect(backend.view().post.layers[0]!.transform.x).toBeCloseTo(450, 6));
  });

  it('sends a drag with the preview request, draws its frames, and reads the view once at the end', async () => {
    const { backend, canvas } = await renderEditor({ holdEdits: true });
    const preview = screen.getByTestId('preview-canvas');
    const fetched = backend.previewCalls.length;
    const draws = canvas.draws.length;
    previewLatency.clear();
    await pointer('down', stage(), 300, 300);
    await pointer('move', stage(), 320, 330);
    await pointer('move', stage(), 350, 380);
    expect(backend.liveCalls).toHaveLength(1);
    expect(backend.liveCalls[0]).toMatchObject({ w: backend.previewCalls[0]!.w, h: backend.previewCalls[0]!.h, overlays: false });
    expect(backend.calls.filter((c) => c.cmd === 'apply_edits')).toHaveLength(0);

    backend.releaseEdits();
    // The answer is the frame of the edit: drawn at once, without a fetch of its own.
    await waitFor(() => expect(preview.dataset.revision).toBe('2'));
    expect(canvas.draws.length).toBe(draws + 1);
    expect(window.__postcraftPreviewStats?.samples).toHaveLength(1);
    await waitFor(() => expect(backend.liveCalls).toHaveLength(2));
    const currentBefore = backend.calls.filter((c) => c.cmd === 'project_current').length;
    await pointer('up', stage(), 350, 380);
    backend.releaseEdits();
    await waitFor(() => expect(preview.dataset.revision).toBe('3'));
    // The view catches up once (layer list, undo) and its revision is not fetched again.
    await waitFor(() => expect(screen.getByTestId<HTMLButtonElement>('undo').disabled).toBe(false));
    expect(backend.calls.filter((c) => c.cmd === 'project_current')).toHaveLength(currentBefore + 1);
    expect(backend.previewCalls).toHaveLength(fetched);
    expect(window.__postcraftPreviewStats?.samples).toHaveLength(2);
    expect(backend.calls.filter((c) => c.cmd === 'apply_edits')).toHaveLength(0);
    expect(new Set(backend.liveCalls.map((c) => c.gesture)).size).toBe(1);
    // The engine has the last position (snapped to the centre line: 340).
    const last = setTransforms(backend.liveCalls.at(-1)!.edits)[0]!.transform;
    expect(last.x).toBeCloseTo(340, 6);
    expect(backend.view().post.layers[0]!.transform).toEqual(last);
  });

  it('snaps to the canvas centre and shows the guide; Alt moves freely', async () => {
    const { backend } = await renderEditor();
    await pointer('down', stage(), 300, 300);
    // Centre to 537: within 6 screen px (~15 canvas px) of the centre line 540.
    await pointer('move', stage(), 537, 300);
    const guide = document.querySelector('line.guide');
    expect(guide).not.toBeNull();
    expect(Number(guide!.getAttribute('x1'))).toBeCloseTo(540 * SCALE, 3);
    await pointer('move', stage(), 537, 300, { altKey: true });
    expect(document.querySelector('line.guide')).toBeNull();
    await pointer('up', stage(), 537, 300, { altKey: true });
    await waitFor(() => expect(backend.heldEdits()).toBe(0));
    const xs = backend.editCalls.flatMap((c) => setTransforms(c.edits).map((e) => e.transform.x));
    expect(xs[0]).toBeCloseTo(540, 6);
    expect(xs.at(-1)).toBeCloseTo(537, 6);
  });

  it('does not send edits for a click without movement', async () => {
    const { backend } = await renderEditor();
    await click(300, 300);
    expect(backend.editCalls).toHaveLength(0);
  });

  it('scales from a corner keeping the aspect, and rotates with Shift snapping to 15°', async () => {
    const { backend } = await renderEditor();
    await click(300, 300);
    const se = screen.getByTestId('handle-se');
    // The square spans 100..500; drag its se corner from (500, 500) to (700, 690).
    await pointer('down', se, 500, 500);
    await pointer('move', stage(), 700, 690);
    await pointer('up', stage(), 700, 690);
    await waitFor(() => expect(backend.editCalls.length).toBeGreaterThan(0));
    const scaled = setTransforms(backend.editCalls.at(-1)!.edits)[0]!.transform;
    expect(scaled.scale_x).toBeCloseTo(scaled.scale_y, 6);
    expect(scaled.scale_x).toBeCloseTo(1.4875, 3);
    expect(new Set(backend.editCalls.map((c) => c.gesture)).size).toBe(1);

    await waitFor(() => expect(backend.view().post.layers[0]!.transform.scale_x).toBeCloseTo(1.4875, 3));
    const box = backend.view().post.layers[0]!.transform;
    const rotate = screen.getByTestId('handle-rotate');
    const top = { x: box.x, y: box.y - 400 };
    await pointer('down', rotate, top.x, top.y);
    // About 40° clockwise around the centre.
    const a = (40 * Math.PI) / 180;
    await pointer('move', stage(), box.x + 400 * Math.sin(a), box.y - 400 * Math.cos(a), { shiftKey: true });
    await pointer('up', stage(), box.x + 400 * Math.sin(a), box.y - 400 * Math.cos(a), { shiftKey: true });
    await waitFor(() => expect(backend.view().post.layers[0]!.transform.rotation_deg).toBe(45));
    const gestures = backend.editCalls.map((c) => c.gesture);
    expect(gestures.at(-1)).toMatch(/^rotate-/);
    expect(gestures.at(-1)).not.toBe(gestures[0]);
  });

  it('crops an image with crop handles in crop mode (double-click)', async () => {
    const { backend } = await renderEditor({
      layers: [layer(1, image('assets/photo.png'), { transform: at(540, 675) })],
      media: [{ asset: 'assets/photo.png', name: 'photo.png', width: 800, height: 600 }],
    });
    await fireEvent.dblClick(stage(), client(540, 675));
    expect(selectionBox()?.dataset.mode).toBe('crop');
    expect(screen.getByTestId('crop-toggle').getAttribute('aria-pressed')).toBe('true');
    expect(screen.queryByTestId('handle-rotate')).toBeNull();
    // Left edge at 140: move it to 240 (an eighth of the source).
    await pointer('down', screen.getByTestId('handle-w'), 140, 675);
    await pointer('move', stage(), 240, 675);
    await pointer('up', stage(), 240, 675);
    await waitFor(() => expect(backend.view().post.layers[0]!.crop).not.toBeNull());
    const edits = backend.editCalls.at(-1)!.edits;
    expect(edits.map((e) => e.edit)).toEqual(['set-crop', 'set-transform']);
    const crop = backend.view().post.layers[0]!.crop!;
    expect(crop.x).toBeCloseTo(0.125, 3);
    expect(crop.width).toBeCloseTo(0.875, 3);
    expect(backend.view().post.layers[0]!.transform.x).toBeCloseTo(590, 3);
    expect(backend.editCalls.every((c) => c.gesture?.startsWith('crop-'))).toBe(true);
    // Escape leaves crop mode, a second Escape deselects.
    await fireEvent.keyDown(window, { key: 'Escape' });
    expect(selectionBox()?.dataset.mode).toBe('transform');
    await fireEvent.keyDown(window, { key: 'Escape' });
    expect(selectionBox()).toBeNull();
  });
});

describe('history and keyboard', () => {
  it('undoes and redoes with the buttons, enabled as the engine says', async () => {
    const { backend } = await renderEditor();
    const undo = screen.getByTestId<HTMLButtonElement>('undo');
    const redo = screen.getByTestId<HTMLButtonElement>('redo');
    expect(undo.disabled).toBe(true);
    expect(redo.disabled).toBe(true);

    await fireEvent.click(screen.getByTestId('add-shape'));
    await waitFor(() => expect(undo.disabled).toBe(false));
    expect(backend.view().post.layers).toHaveLength(3);
    await fireEvent.click(undo);
    await waitFor(() => expect(redo.disabled).toBe(false));
    expect(backend.calls.map((c) => c.cmd)).toContain('undo');
    expect(backend.view().post.layers).toHaveLength(2);
    expect(undo.disabled).toBe(true);
    await fireEvent.click(redo);
    await waitFor(() => expect(backend.view().post.layers).toHaveLength(3));
  });

  it('runs the shortcuts, not while typing', async () => {
    const { backend } = await renderEditor();
    await click(300, 300);
    await fireEvent.keyDown(window, { key: 'd', ctrlKey: true });
    await waitFor(() => expect(backend.calls.some((c) => c.cmd === 'duplicate_layer')).toBe(true));
    expect(backend.calls.find((c) => c.cmd === 'duplicate_layer')!.args).toEqual({ request: { id: 1 } });
    await waitFor(() => expect(selectionBox()?.dataset.layer).toBe('3'));

    await fireEvent.keyDown(window, { key: 'Delete' });
    await waitFor(() => expect(backend.view().post.layers.map((l) => l.id)).toEqual([1, 2]));
    expect(selectionBox()).toBeNull();

    await fireEvent.keyDown(window, { key: 'z', ctrlKey: true });
    await waitFor(() => expect(backend.view().post.layers).toHaveLength(3));
    await fireEvent.keyDown(window, { key: 'Z', ctrlKey: true, shiftKey: true });
    await waitFor(() => expect(backend.view().post.layers).toHaveLength(2));
    await fireEvent.keyDown(window, { key: 'z', metaKey: true });
    await waitFor(() => expect(backend.view().post.layers).toHaveLength(3));
    await fireEvent.keyDown(window, { key: 'y', ctrlKey: true });
    await waitFor(() => expect(backend.view().post.layers).toHaveLength(2));
    expect(backend.calls.filter((c) => c.cmd === 'redo')).toHaveLength(2);
    expect(backend.calls.filter((c) => c.cmd === 'undo')).toHaveLength(2);
    await fireEvent.keyDown(window, { key: 's', ctrlKey: true });
    await waitFor(() => expect(backend.calls.some((c) => c.cmd === 'project_save')).toBe(true));
    await waitFor(() => expect(screen.getByTestId('notice').textContent).toContain('Saved My post'));

    // Typing in a field: no shortcut.
    await selectLayers();
    await click(300, 300);
    const name = screen.getByTestId<HTMLInputElement>('layer-name');
    name.focus();
    const before = backend.calls.length;
    await fireEvent.keyDown(name, { key: 'Backspace' });
    await fireEvent.keyDown(name, { key: 'z', ctrlKey: true });
    expect(backend.calls.length).toBe(before);
  });

  it('nudges with the arrows as one gesture per burst', async () => {
    const { backend } = await renderEditor();
    await click(300, 300);
    await fireEvent.keyDown(window, { key: 'ArrowRight' });
    await fireEvent.keyDown(window, { key: 'ArrowRight' });
    await fireEvent.keyDown(window, { key: 'ArrowDown', shiftKey: true });
    await waitFor(() => expect(backend.view().post.layers[0]!.transform).toMatchObject({ x: 302, y: 310 }));
    const gestures = new Set(backend.editCalls.map((c) => c.gesture));
    expect(gestures.size).toBe(1);
    expect([...gestures][0]).toMatch(/^nudge-/);
  });
});

describe('layer list and inspector', () => {
  it('lists layers topmost first, selects, hides and reorders with pointer events', async () => {
    const { backend } = await renderEditor({
      layers: [...LAYERS, layer(3, shape(100, 100), { name: 'Dot', transform: at(900, 200) })],
    });
    await selectLayers();
    const rows = screen.getAllByTestId(/^layer-row-/);
    expect(rows.map((r) => r.dataset.testid)).toEqual(['layer-row-3', 'layer-row-2', 'layer-row-1']);
    expect(rows[1]!.textContent).toContain('Title');

    await fireEvent.click(within(rows[2]!).getByText('Square'));
    expect(selectionBox()?.dataset.layer).toBe('1');

    await fireEvent.click(screen.getByTestId('layer-visibility-2'));
    await waitFor(() => expect(backend.view().post.layers[1]!.visible).toBe(false));
    expect(backend.editCalls.at(-1)).toEqual({ edits: [{ edit: 'set-visible', id: 2, visible: false }], gesture: null });

    // Drag the top row (Dot) below the last one: every row measures 600 px tall at the top in the
    // stubbed layout, so their middles are all at 300; a pointer below them moves it to the bottom.
    const grip = within(rows[0]!).getByRole('button', { name: /Reorder Dot/ });
    await fireEvent.pointerDown(grip, { clientX: 10, clientY: 300, pointerId: 1, button: 0 });
    await fireEvent.pointerMove(grip, { clientX: 10, clientY: 400, pointerId: 1 });
    await fireEvent.pointerUp(grip, { clientX: 10, clientY: 400, pointerId: 1 });
    await waitFor(() => expect(backend.view().post.layers.map((l) => l.id)).toEqual([3, 1, 2]));
    expect(backend.editCalls.at(-1)).toEqual({ edits: [{ edit: 'move-layer', id: 3, to: 0 }], gesture: null });
  });

  it('sends one gesture per slider drag, showing the value at once', async () => {
    const { backend } = await renderEditor({ holdEdits: true });
    await selectLayers();
    await click(300, 300);
    const opacity = screen.getByTestId<HTMLInputElement>('layer-opacity');
    for (const value of ['90', '70', '50']) await fireEvent.input(opacity, { target: { value } });
    expect(within(screen.getByTestId('inspector')).getByText('50%')).toBeTruthy();
    expect(backend.editCalls).toHaveLength(1);
    await fireEvent.change(opacity, { target: { value: '50' } });
    backend.releaseEdits();
    await waitFor(() => expect(backend.editCalls).toHaveLength(2));
    backend.releaseEdits();
    expect(new Set(backend.editCalls.map((c) => c.gesture)).size).toBe(1);
    expect(backend.editCalls.at(-1)!.edits).toEqual([{ edit: 'set-opacity', id: 1, opacity: 0.5 }]);

    const blur = screen.getByTestId<HTMLInputElement>('filter-blur');
    await fireEvent.input(blur, { target: { value: '12' } });
    await fireEvent.change(blur, { target: { value: '12' } });
    backend.releaseEdits();
    await waitFor(() => expect(backend.editCalls).toHaveLength(3));
    backend.releaseEdits();
    const last = backend.editCalls.at(-1)!;
    expect(last.gesture).toMatch(/^filter-blur-/);
    expect(last.edits).toEqual([
      { edit: 'set-filters', id: 1, filters: { brightness: 0, contrast: 0, saturation: 0, temperature: 0, blur: 12, vignette: 0 } },
    ]);
  });

  it('edits text content and size, shape fill and blend', async () => {
    const { backend } = await renderEditor();
    await selectLayers();
    await click(700, 1000);
    await fireEvent.change(screen.getByTestId('text-content'), { target: { value: 'Big news' } });
    await waitFor(() => expect(backend.view().post.layers[1]!.content).toMatchObject({ text: 'Big news' }));
    await fireEvent.change(screen.getByTestId('text-size'), { target: { value: '120' } });
    await waitFor(() => expect(backend.view().post.layers[1]!.content).toMatchObject({ font_size: 120 }));

    await click(300, 300);
    await fireEvent.input(screen.getByTestId('shape-fill'), { target: { value: '#00ff00' } });
    await fireEvent.change(screen.getByTestId('shape-fill'), { target: { value: '#00ff00' } });
    await waitFor(() => expect(backend.view().post.layers[0]!.content).toMatchObject({ fill: [0, 255, 0, 255] }));
    await fireEvent.change(screen.getByTestId('layer-blend'), { target: { value: 'multiply' } });
    await waitFor(() => expect(backend.view().post.layers[0]!.blend).toBe('multiply'));
  });
});

describe('inline text editing', () => {
  it('edits a text layer in place: Enter commits, Escape cancels', async () => {
    const { backend } = await renderEditor();
    await fireEvent.dblClick(stage(), client(700, 1000));
    const editor = screen.getByTestId<HTMLTextAreaElement>('text-editor');
    expect(editor.value).toBe('Hello');
    expect(document.activeElement).toBe(editor);
    // Shortcuts stay off while typing.
    await fireEvent.keyDown(editor, { key: 'Backspace' });
    expect(backend.view().post.layers).toHaveLength(2);
    await fireEvent.input(editor, { target: { value: 'Hello\nworld' } });
    await fireEvent.keyDown(editor, { key: 'Enter' });
    expect(screen.queryByTestId('text-editor')).toBeNull();
    await waitFor(() => expect(backend.view().post.layers[1]!.content).toMatchObject({ text: 'Hello\nworld' }));
    expect(backend.editCalls.at(-1)!.edits[0]).toMatchObject({ edit: 'set-content', id: 2 });

    await fireEvent.dblClick(stage(), client(700, 1000));
    const again = screen.getByTestId<HTMLTextAreaElement>('text-editor');
    await fireEvent.input(again, { target: { value: 'Nope' } });
    const calls = backend.editCalls.length;
    await fireEvent.keyDown(again, { key: 'Escape' });
    expect(screen.queryByTestId('text-editor')).toBeNull();
    expect(backend.editCalls).toHaveLength(calls);
  });
});

describe('adding and importing', () => {
  it('adds text and shapes with defaults and selects them', async () => {
    const { backend } = await renderEditor();
    await fireEvent.click(screen.getByTestId('add-text'));
    await waitFor(() => expect(selectionBox()?.dataset.layer).toBe('3'));
    expect(backend.calls.find((c) => c.cmd === 'add_layer')!.args).toEqual({
      request: {
        content: { type: 'text', text: 'Your text', font_size: 96, color: [255, 255, 255, 255], wrap_width: 864 },
        name: null,
        at: null,
      },
    });
    await fireEvent.click(screen.getByTestId('add-shape'));
    await waitFor(() => expect(selectionBox()?.dataset.layer).toBe('4'));
    expect(backend.calls.filter((c) => c.cmd === 'add_layer')[1]!.args).toMatchObject({
      request: { content: { type: 'shape', shape: 'rectangle', width: 400, height: 400 } },
    });
  });

  it('lists media with thumbnails and adds one by click or Enter', async () => {
    const { backend } = await renderEditor({
      media: [
        { asset: 'assets/beach.jpg', name: 'beach.jpg', width: 1600, height: 1200 },
        { asset: 'assets/logo.png', name: 'logo.png', width: 512, height: 512 },
      ],
    });
    const bin = screen.getByTestId('media-bin');
    const item = within(bin).getByTestId('media-item-1');
    expect(item.querySelector('img')!.getAttribute('src')).toBe(
      'postcraft://localhost/asset/assets/logo.png?max=256',
    );
    await fireEvent.click(item);
    await waitFor(() => expect(backend.calls.some((c) => c.cmd === 'add_layer')).toBe(true));
    expect(backend.calls.find((c) => c.cmd === 'add_layer')!.args).toEqual({
      request: { content: { type: 'image', asset: 'assets/logo.png' }, name: null, at: null },
    });
  });

  it('imports files dropped on the canvas at the pointer, and lists files that failed', async () => {
    const { backend } = await renderEditor({
      importFailures: [
        { path: '/home/me/notes.txt', error: { code: 'MEDIA_INVALID', message: 'the file is not an image (unknown format)' } },
      ],
    });
    const position = { x: 540 * SCALE, y: 675 * SCALE };
    await emitFileDrag('enter', position, ['/home/me/beach.jpg', '/home/me/notes.txt']);
    await waitFor(() => expect(stage().classList.contains('drop-target')).toBe(true));
    await emitFileDrag('drop', position, ['/home/me/beach.jpg', '/home/me/notes.txt']);
    await waitFor(() => expect(backend.calls.some((c) => c.cmd === 'import_media')).toBe(true));
    expect(stage().classList.contains('drop-target')).toBe(false);
    expect(backend.calls.find((c) => c.cmd === 'import_media')!.args).toEqual({
      request: { paths: ['/home/me/beach.jpg', '/home/me/notes.txt'], place: true, at: [540, 675] },
    });
    const notice = screen.getByTestId('notice');
    await waitFor(() =>
      expect(notice.textContent).toContain('notes.txt could not be opened as an image: the file is not an image'),
    );
    expect(notice.getAttribute('role')).toBe('alert');
    // The readable file was placed and selected.
    await waitFor(() => expect(selectionBox()?.dataset.layer).toBe('3'));
    expect(screen.getByTestId('media-item-0').textContent).toContain('beach.jpg');
  });

  it('only imports files dropped on the media bin', async () => {
    const { backend } = await renderEditor();
    // The stubbed layout puts the bin below the stage (y 600 to 700).
    await emitFileDrag('over', { x: 10, y: 650 });
    await waitFor(() => expect(screen.getByTestId('media-bin').classList.contains('drop-target')).toBe(true));
    await emitFileDrag('leave');
    await waitFor(() => expect(screen.getByTestId('media-bin').classList.contains('drop-target')).toBe(false));
    await emitFileDrag('drop', { x: 10, y: 650 }, ['/home/me/a.png']);
    await waitFor(() => expect(backend.calls.some((c) => c.cmd === 'import_media')).toBe(true));
    expect(backend.calls.find((c) => c.cmd === 'import_media')!.args).toEqual({
      request: { paths: ['/home/me/a.png'], place: false, at: null },
    });
    await waitFor(() => expect(screen.getByTestId('notice').textContent).toContain('Imported 1 file'));
  });
});

describe('errors, checks, slides, export', () => {
  it('shows a refused edit in words and keeps the engine state', async () => {
    const { backend } = await renderEditor({ editError: { code: 'INVALID_REQUEST', message: 'invalid value: filter out of range' } });
    await click(300, 300);
    await fireEvent.keyDown(window, { key: 'ArrowLeft' });
    await waitFor(() => expect(screen.getByTestId('notice').textContent).toContain('filter out of range'));
    expect(screen.getByTestId('notice').querySelector('[data-code]')!.getAttribute('data-code')).toBe('INVALID_REQUEST');
    expect(backend.view().post.layers[0]!.transform.x).toBe(300);
    await fireEvent.click(within(screen.getByTestId('notice')).getByRole('button', { name: 'Dismiss' }));
    expect(screen.getByTestId('notice').textContent).toBe('');
  });

  it('lists the preset checks with their level', async () => {
    await renderEditor({
      checks: [
        { id: 'aspect', level: 'ok', message: 'The aspect ratio suits Instagram portrait.', layer: null },
        { id: 'safe-zone', level: 'warning', message: 'Title is under the caption area.', layer: 2 },
        { id: 'media-count', level: 'error', message: 'Instagram allows 20 slides at most.', layer: null },
      ],
    });
    const checks = screen.getByTestId('checks');
    const warning = checks.querySelector('[data-check="safe-zone"]')!;
    expect(warning.getAttribute('data-level')).toBe('warning');
    expect(warning.textContent).toContain('Warning:');
    expect(checks.querySelector('[data-check="media-count"]')!.textContent).toContain('Error:');
    expect(checks.querySelector('[data-check="aspect"]')).toBeNull();
    await fireEvent.click(within(checks).getByText('1 passed'));
    expect(checks.querySelector('[data-check="aspect"]')!.getAttribute('data-level')).toBe('ok');
    await fireEvent.click(within(checks).getByRole('button', { name: 'Title is under the caption area.' }));
    expect(selectionBox()?.dataset.layer).toBe('2');
  });

  it('changes the slides', async () => {
    const { backend } = await renderEditor();
    await fireEvent.click(screen.getByTestId('slides-inc'));
    await waitFor(() => expect(backend.view().post.slides).toBe(2));
    expect(backend.editCalls.at(-1)).toEqual({ edits: [{ edit: 'set-slides', slides: 2 }], gesture: null });
    await waitFor(() => expect(screen.getByTestId('preset-chip').textContent).toContain('× 2'));
    await fireEvent.input(screen.getByTestId('slides-input'), { target: { value: '21' } });
    await fireEvent.change(screen.getByTestId('slides-input'), { target: { value: '21' } });
    expect(screen.getByTestId('notice').textContent).toContain('1 to 20 slides');
    expect(backend.view().post.slides).toBe(2);
  });

  it('exports and shows the written files', async () => {
    const { backend } = await renderEditor({
      exportReport: { files: [`${PROJECT_DIR}/exports/tiktok-1.jpeg`, `${PROJECT_DIR}/exports/tiktok-2.jpeg`], width: 1080, height: 1920 },
    });
    await waitFor(() => expect(screen.getByTestId<HTMLSelectElement>('export-preset').options.length).toBeGreaterThan(1));
    await fireEvent.change(screen.getByTestId('export-preset'), { target: { value: 'tiktok' } });
    await fireEvent.change(screen.getByTestId('export-format'), { target: { value: 'jpeg' } });
    await fireEvent.click(screen.getByTestId('export-button'));
    const result = await screen.findByTestId('export-result');
    expect(backend.calls.find((c) => c.cmd === 'export_post')!.args).toEqual({
      request: { preset: 'tiktok', format: 'jpeg', out: null },
    });
    expect(result.textContent).toContain('Exported 2 files · 1080×1920');
    expect(result.textContent).toContain(`${PROJECT_DIR}/exports/tiktok-2.jpeg`);
  });
});
