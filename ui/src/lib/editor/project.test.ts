import { describe, expect, it } from 'vitest';

import { canvasInfo, layer, shape } from '../../test/backend';
import type { ProjectView, StudioIpc } from '../ipc';
import { LatencyRecorder } from './latency';
import { importFailureText, ProjectStore } from './project.svelte';

function view(revision: number, overrides: Partial<ProjectView> = {}): ProjectView {
  return {
    dir: '/p',
    post: { preset: 'instagram-portrait', slides: 1, background: [255, 255, 255, 255], layers: [layer(1, shape())], next_layer_id: 2 },
    revision,
    canUndo: false,
    canRedo: false,
    canvas: canvasInfo(),
    layerSizes: [{ id: 1, width: 400, height: 400 }],
    media: [],
    checks: [],
    ...overrides,
  };
}

type Deferred = { resolve: (v: ProjectView) => void; reject: (e: unknown) => void };

/** A store over hand-answered commands. */
function harness(first: ProjectView | null = view(1)) {
  const pending: { cmd: string; args: unknown; settle: Deferred }[] = [];
  const ask = (cmd: string) => (args?: unknown) =>
    new Promise<ProjectView>((resolve, reject) => pending.push({ cmd, args, settle: { resolve, reject } }));
  const ipc = {
    projectCurrent: () => Promise.resolve(first),
    presetsList: () => Promise.resolve([]),
    applyEdits: ask('apply_edits'),
    undo: ask('undo'),
    redo: ask('redo'),
  } as unknown as StudioIpc;
  const latency = new LatencyRecorder(() => 0);
  const store = new ProjectStore(ipc, { inApp: () => true, latency });
  return { store, pending, latency };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('ProjectStore', () => {
  it('takes newer answers and ignores older ones of the same project', async () => {
    const { store, pending } = harness();
    await store.load();
    expect(store.phase).toBe('ready');
    store.select(1);
    void store.apply([{ edit: 'set-slides', slides: 2 }]);
    void store.apply([{ edit: 'set-slides', slides: 3 }]);
    pending[1]!.settle.resolve(view(3, { canUndo: true }));
    await tick();
    pending[0]!.settle.resolve(view(2));
    await tick();
    expect(store.view?.revision).toBe(3);
    expect(store.selectedId).toBe(1);

    // Another project: any revision, selection cleared.
    void store.undo();
    await tick();
    pending[2]!.settle.resolve(view(1, { dir: '/q' }));
    await tick();
    expect(store.view?.dir).toBe('/q');
    expect(store.selectedId).toBeNull();
  });

  it('drops the selection when the layer is gone', async () => {
    const { store, pending } = harness();
    await store.load();
    store.select(1);
    void store.removeSelected();
    pending[0]!.settle.resolve(view(2, { post: { ...view(2).post, layers: [] }, layerSizes: [] }));
    await tick();
    expect(store.selected).toBeNull();
  });

  it('shows a gesture draft at once and drops it when the last answer arrived', async () => {
    const { store, pending } = harness();
    await store.load();
    const gesture = store.beginGesture('drag', 1);
    const moved = { x: 10, y: 20, scale_x: 1, scale_y: 1, rotation_deg: 0 };
    gesture.update([{ edit: 'set-transform', id: 1, transform: moved }], { transform: moved }, 0);
    expect(store.layers[0]!.transform).toEqual(moved);
    expect(pending).toHaveLength(1);
    const ended = gesture.end();
    expect(store.drafts.size).toBe(1);
    pending[0]!.settle.resolve(view(2, { post: { ...view(2).post, layers: [layer(1, shape(), { transform: moved })] } }));
    await ended;
    expect(store.drafts.size).toBe(0);
    expect(store.layers[0]!.transform).toEqual(moved);
    expect((pending[0]!.args as { gesture: string }).gesture).toBe(gesture.id);
  });

  it('undoes only after the gesture in flight was answered, and ends a key burst', async () => {
    const { store, pending } = harness();
    await store.load();
    store.select(1);
    store.nudge(1, 0, 0);
    expect(pending.map((p) => p.cmd)).toEqual(['apply_edits']);
    const undone = store.undo();
    await tick();
    expect(pending.map((p) => p.cmd)).toEqual(['apply_edits']);
    pending[0]!.settle.resolve(view(2, { canUndo: true }));
    await tick();
    expect(pending.map((p) => p.cmd)).toEqual(['apply_edits', 'undo']);
    pending[1]!.settle.resolve(view(3));
    await undone;
    // The next press is a new gesture.
    store.nudge(1, 0, 1);
    const gestures = pending.filter((p) => p.cmd === 'apply_edits').map((p) => (p.args as { gesture: string }).gesture);
    expect(gestures).toHaveLength(2);
    expect(gestures[0]).not.toBe(gestures[1]);
  });

  it('keeps the engine state and says why when an edit is refused', async () => {
    const { store, pending } = harness();
    await store.load();
    void store.apply([{ edit: 'set-slides', slides: 99 }]);
    pending[0]!.settle.reject({ code: 'INVALID_REQUEST', message: 'invalid value: a carousel has 1 to 20 slides' });
    await tick();
    expect(store.view?.revision).toBe(1);
    expect(store.notices.map((n) => [n.level, n.text, n.code])).toEqual([
      ['error', 'Could not change the post: invalid value: a carousel has 1 to 20 slides', 'INVALID_REQUEST'],
    ]);
  });

  it('says when it runs outside the app, or when no project could be opened', async () => {
    const outside = new ProjectStore({} as StudioIpc, { inApp: () => false });
    await outside.load();
    expect(outside.phase).toBe('no-app');
    const { store } = harness(null);
    await store.load();
    expect(store.phase).toBe('missing');
    expect(store.loadError?.message).toMatch(/could not open or create a project/);
  });
});

describe('importFailureText', () => {
  it.each([
    ['MEDIA_INVALID', 'notes.txt could not be opened as an image: not an image'],
    ['IO', 'notes.txt could not be read: not an image'],
    ['INTERNAL', 'notes.txt could not be imported: not an image'],
  ] as const)('%s', (code, text) => {
    expect(importFailureText({ path: '/home/me/notes.txt', error: { code, message: 'not an image' } })).toBe(text);
  });
});
