import { describe, expect, it } from 'vitest';

import { canvasInfo, layer, shape } from '../../test/backend';
import type { ApplyEditsRequest, Edit, PreviewFrame, PreviewSize, ProjectView, StudioIpc, Transform } from '../ipc';
import { LatencyRecorder } from './latency';
import { PreviewScheduler, type PreviewTarget } from './previewScheduler';
import { importFailureText, ProjectStore } from './project.svelte';

function view(revision: number, overrides: Partial<ProjectView> = {}): ProjectView {
  return {
    dir: '/p',
    post: { preset: 'instagram-portrait', slides: 1, background: [255, 255, 255, 255], layers: [layer(1, shape())], next_layer_id: 2, caption: '' },
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

type Deferred = { resolve: (v: unknown) => void; reject: (e: unknown) => void };

/**
 * A store over hand-answered commands. `project_current` answers `first` at once the first time
 * (loading), later calls wait like the others. `edit_preview` is the live path (`editPreview`).
 */
function harness(first: ProjectView | null = view(1), overrides: Partial<StudioIpc> = {}) {
  const pending: { cmd: string; args: unknown; settle: Deferred }[] = [];
  const ask =
    (cmd: string) =>
    (...args: unknown[]) =>
      new Promise<unknown>((resolve, reject) =>
        pending.push({ cmd, args: args.length > 1 ? args : args[0], settle: { resolve, reject } }),
      );
  let loaded = false;
  const ipc = {
    projectCurrent: (): Promise<unknown> => {
      if (loaded) return ask('project_current')();
      loaded = true;
      return Promise.resolve(first);
    },
    presetsList: () => Promise.resolve([]),
    applyEdits: ask('apply_edits'),
    // Headers and body at once here: the test's answer settles both.
    editPreviewStream: (...args: unknown[]) =>
      ask('edit_preview')(...args).then((frame) => ({ frame: Promise.resolve(frame) })),
    undo: ask('undo'),
    redo: ask('redo'),
    ...overrides,
  } as unknown as StudioIpc;
  const clock = { now: 0 };
  const latency = new LatencyRecorder(() => clock.now);
  const store = new ProjectStore(ipc, { inApp: () => true, latency });
  const commands = () => pending.map((p) => p.cmd);
  return { store, pending, latency, clock, commands };
}

const SIZE: PreviewSize = { width: 4, height: 5, overlays: false };

function frame(revision: number, size: PreviewSize = SIZE): PreviewFrame {
  return { ...size, revision, pixels: new Uint8ClampedArray(size.width * size.height * 4) };
}

/**
 * The stage as PostStage registers it: live frames offered to a preview scheduler, whose draws
 * are recorded (and reported to the latency recorder, as the stage does).
 */
function stage(store: ProjectStore, latency: LatencyRecorder) {
  const drawn: number[] = [];
  const fetches: PreviewTarget[] = [];
  const scheduler = new PreviewScheduler<PreviewFrame>({
    fetch: (t) => {
      fetches.push(t);
      return Promise.resolve(frame(t.revision, t));
    },
    draw: (f, t) => {
      drawn.push(t.revision);
      latency.drawn(t.key, t.revision);
    },
    revisionOf: (f) => f.revision,
  });
  const stop = store.setLiveFrames({
    size: () => SIZE,
    draw: (f, key) =>
      scheduler.offer(f, { key, revision: f.revision, width: f.width, height: f.height, overlays: f.overlays }),
  });
  return { drawn, fetches, scheduler, stop };
}

const to = (x: number): Transform => ({ x, y: 20, scale_x: 1, scale_y: 1, rotation_deg: 0 });
const move = (x: number): Edit => ({ edit: 'set-transform', id: 1, transform: to(x) });
const moved = (revision: number, x: number, overrides: Partial<ProjectView> = {}) =>
  view(revision, { post: { ...view(revision).post, layers: [layer(1, shape(), { transform: to(x) })] }, ...overrides });

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

describe('ProjectStore live gestures (edits with the preview)', () => {
  it('sends the edits with the preview request, draws each frame, and reads the view once at the end', async () => {
    const { store, pending, latency, clock, commands } = harness();
    await store.load();
    const live = stage(store, latency);
    const gesture = store.beginGesture('drag', 1);
    gesture.update([move(10)], { transform: to(10) }, 10);
    gesture.update([move(20)], { transform: to(20) }, 20);
    gesture.update([move(30)], { transform: to(30) }, 30);
    // One request in flight, through the preview; the box follows the pointer at once.
    expect(commands()).toEqual(['edit_preview']);
    expect(pending[0]!.args).toEqual([{ edits: [move(10)], gesture: gesture.id } satisfies ApplyEditsRequest, SIZE]);
    expect(store.layers[0]!.transform).toEqual(to(30));

    clock.now = 50;
    pending[0]!.settle.resolve(frame(2));
    await tick();
    expect(live.drawn).toEqual([2]);
    expect(latency.stats.samples).toEqual([40]);
    // The waiting moves went as one request, the latest value, the earliest input's time.
    expect(commands()).toEqual(['edit_preview', 'edit_preview']);
    expect(pending[1]!.args).toEqual([{ edits: [move(30)], gesture: gesture.id }, SIZE]);

    const ended = gesture.end();
    clock.now = 75;
    pending[1]!.settle.resolve(frame(3));
    await tick();
    expect(live.drawn).toEqual([2, 3]);
    expect(latency.stats.samples).toEqual([40, 55]);
    // The view is read once, after the last answer; the draft stays until it is there.
    expect(commands()).toEqual(['edit_preview', 'edit_preview', 'project_current']);
    expect(store.drafts.size).toBe(1);
    expect(store.view?.revision).toBe(1);
    pending[2]!.settle.resolve(moved(3, 30, { canUndo: true }));
    await ended;
    expect(store.drafts.size).toBe(0);
    expect(store.view?.revision).toBe(3);
    expect(store.view?.canUndo).toBe(true);
    expect(store.layers[0]!.transform).toEqual(to(30));
    expect(commands()).not.toContain('apply_edits');

    // The stage wants the view's revision now: it is on screen already, nothing is fetched.
    live.scheduler.want({ key: '/p', revision: 3, ...SIZE });
    expect(live.fetches).toEqual([]);
    expect(latency.stats.samples).toEqual([40, 55]);
  });

  it('uses apply_edits without a stage (or after it is gone), and reads no view at the end', async () => {
    const { store, pending, latency, commands } = harness();
    await store.load();
    const gesture = store.beginGesture('drag', 1);
    gesture.update([move(10)], { transform: to(10) }, 0);
    expect(commands()).toEqual(['apply_edits']);
    expect(pending[0]!.args).toEqual({ edits: [move(10)], gesture: gesture.id });
    const ended = gesture.end();
    pending[0]!.settle.resolve(moved(2, 10));
    await ended;
    expect(store.view?.revision).toBe(2);
    expect(commands()).toEqual(['apply_edits']);

    const live = stage(store, latency);
    live.stop();
    const next = store.beginGesture('drag', 1);
    next.update([move(20)], { transform: to(20) }, 0);
    expect(commands()).toEqual(['apply_edits', 'apply_edits']);
    pending[1]!.settle.resolve(moved(3, 20));
    await next.end();
    expect(commands()).toEqual(['apply_edits', 'apply_edits']);
  });

  it('never draws a live frame over a newer one, and records no sample for it', async () => {
    const { store, pending, latency, clock, commands } = harness();
    await store.load();
    const live = stage(store, latency);
    // Two gestures at once (a key burst ending while a slider starts): answers may cross.
    const a = store.beginGesture('nudge', 1);
    const b = store.beginGesture('opacity', 1);
    a.update([move(11)], { transform: to(11) }, 0);
    b.update([{ edit: 'set-opacity', id: 1, opacity: 0.5 }], { opacity: 0.5 }, 0);
    expect(commands()).toEqual(['edit_preview', 'edit_preview']);
    clock.now = 30;
    pending[1]!.settle.resolve(frame(3));
    await tick();
    pending[0]!.settle.resolve(frame(2));
    await tick();
    expect(live.drawn).toEqual([3]);
    expect(latency.stats.samples).toEqual([30]);
  });

  it("sends a drag's next edits once the engine answered, before the frame's bytes are in", async () => {
    // Headers and bodies answered separately, as the real scheme does.
    const bodies: ((f: PreviewFrame) => void)[] = [];
    const headers: ((v: { frame: Promise<PreviewFrame> }) => void)[] = [];
    const sent: number[] = [];
    const editPreviewStream = (request: ApplyEditsRequest) => {
      const edit = request.edits[0];
      sent.push(edit?.edit === 'set-transform' ? edit.transform.x : -1);
      return new Promise<{ frame: Promise<PreviewFrame> }>((resolve) => headers.push(resolve));
    };
    const { store, latency, clock } = harness(view(1), { editPreviewStream });
    await store.load();
    const live = stage(store, latency);
    const gesture = store.beginGesture('drag', 1);
    gesture.update([move(10)], { transform: to(10) }, 0);
    gesture.update([move(20)], { transform: to(20) }, 1);
    expect(sent).toEqual([10]);
    // The engine answered the first request: the second goes while the first frame's bytes arrive.
    headers[0]!({ frame: new Promise((resolve) => bodies.push(resolve)) });
    await tick();
    expect(sent).toEqual([10, 20]);
    headers[1]!({ frame: new Promise((resolve) => bodies.push(resolve)) });
    await tick();
    // The newer frame arrives first; the older one is not drawn over it.
    clock.now = 40;
    bodies[1]!(frame(3));
    await tick();
    bodies[0]!(frame(2));
    await tick();
    expect(live.drawn).toEqual([3]);
    expect(latency.stats.samples).toEqual([39]);
  });

  it('reports a refused live edit and still reads the view at the end', async () => {
    const { store, pending, latency, commands } = harness();
    await store.load();
    stage(store, latency);
    const gesture = store.beginGesture('drag', 1);
    gesture.update([move(10)], { transform: to(10) }, 0);
    const ended = gesture.end();
    pending[0]!.settle.reject({ code: 'INVALID_REQUEST', message: 'no layer 1 in the post' });
    await tick();
    expect(store.notices.map((n) => n.text)).toEqual(['Could not apply the change: no layer 1 in the post']);
    expect(commands()).toEqual(['edit_preview', 'project_current']);
    pending[1]!.settle.resolve(view(1));
    await ended;
    expect(store.drafts.size).toBe(0);
  });

  it('undoes only once the view after a live key burst was read', async () => {
    const { store, pending, latency, commands } = harness();
    await store.load();
    stage(store, latency);
    store.select(1);
    store.nudge(1, 0, 0);
    expect(commands()).toEqual(['edit_preview']);
    const undone = store.undo();
    pending[0]!.settle.resolve(frame(2));
    await tick();
    expect(commands()).toEqual(['edit_preview', 'project_current']);
    // Before the view is read, it still says there is nothing to undo.
    pending[1]!.settle.resolve(view(2, { canUndo: true }));
    await tick();
    expect(commands()).toEqual(['edit_preview', 'project_current', 'undo']);
    pending[2]!.settle.resolve(view(3));
    await undone;
    expect(store.view?.revision).toBe(3);
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
