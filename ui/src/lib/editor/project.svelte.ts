/**
 * The open project as the editor sees it (reactive): the engine's ProjectView, replaced by the
 * result of every command; the selection; local drafts of gestures in progress (so a dragged box
 * follows the pointer before the engine answers); busy state and notices.
 *
 * Errors never pass silently: each failed command leaves a notice in words, and the view stays
 * the engine's last answer (what the post really is).
 *
 * Gestures take the live path when the stage has registered a {@link LiveFrameSink}: each
 * coalesced batch goes with the preview request (`editPreview`: edits applied and rendered in one
 * round trip), the frame is drawn at once, and the ProjectView is read once when the gesture is
 * over. Without a sink, each batch is an `apply_edits` answered with the view.
 */
/* eslint-disable svelte/prefer-svelte-reactivity -- maps here are built, then assigned whole to
   $state.raw fields (never mutated after), which is what makes them reactive. */
import {
  insideTauri,
  toIpcError,
  type AudioClip,
  type AudioRole,
  type BlendMode,
  type Crop,
  type Edit,
  type ErrorCode,
  type ExportFormat,
  type ExportReport,
  type Filters,
  type ImportFailure,
  type IpcError,
  type Layer,
  type LayerContent,
  type LayerId,
  type PostAudio,
  type PresetInfo,
  type PreviewFrame,
  type PreviewSize,
  type ProjectView,
  type StudioIpc,
  type Transform,
} from '../ipc';
import { hasSound as postHasSound, roleName, withoutTrack } from '../audio/postSound';
import { LatestWinsSender } from './editSender';
import { fileName } from './dropRouting';
import { translate, type Size } from './geometry';
import { BurstCounter } from './keymap';
import { previewLatency, type LatencyRecorder } from './latency';
import { addedLayerId, defaultShapeContent, defaultTextContent, folderName, writtenTextContent } from './layers';

/** A layer's local, not yet confirmed state during a gesture. */
export interface LayerDraft {
  transform?: Transform;
  crop?: Crop | null;
  /** Own size, when a crop changes it. */
  size?: Size;
  opacity?: number;
  filters?: Filters;
}

export interface Notice {
  id: number;
  level: 'error' | 'info';
  text: string;
  code: ErrorCode | null;
}

export type ProjectPhase = 'loading' | 'ready' | 'missing' | 'no-app';

/**
 * Where the live frames of gestures go: the stage that shows the preview. Registered with
 * {@link ProjectStore.setLiveFrames}.
 */
export interface LiveFrameSink {
  /** The frame size and overlays shown now; null while nothing can be drawn. */
  size(): PreviewSize | null;
  /**
   * Draws a frame of project `key` unless one of the same or a newer revision is on screen.
   * Returns whether it drew it.
   */
  draw(frame: PreviewFrame, key: string): boolean;
}

/** A run of edits that undoes as one step (a drag, a slider, a key burst). */
export interface EditGesture {
  readonly id: string;
  /** Sends `edits` (coalesced, one request in flight) and shows `draft` at once. */
  update(edits: Edit[], draft: LayerDraft | null, inputTime: number): void;
  /**
   * Resolves when every request of the gesture has been answered (and, after live requests, the
   * view read again); the draft is dropped then.
   */
  end(): Promise<void>;
}

type ProjectIpc = Pick<
  StudioIpc,
  | 'presetsList'
  | 'projectCurrent'
  | 'projectCreate'
  | 'projectOpen'
  | 'projectSave'
  | 'applyEdits'
  | 'editPreviewStream'
  | 'addLayer'
  | 'duplicateLayer'
  | 'undo'
  | 'redo'
  | 'importMedia'
  | 'addGeneratedLayer'
  | 'addAudioToPost'
  | 'exportPost'
>;

/** How long info notices stay. Errors stay until dismissed. */
const INFO_MS = 5000;
const MAX_NOTICES = 6;
/** Arrow presses closer than this are one undo step. */
const NUDGE_BURST_MS = 700;

let gestureCounter = 0;

/** A fresh gesture id: `<kind>-<n>`. */
export function gestureId(kind: string): string {
  return `${kind}-${++gestureCounter}`;
}

/** A failed import as a sentence ("notes.txt could not be opened as an image: ..."). */
export function importFailureText(failure: ImportFailure): string {
  const name = fileName(failure.path);
  const what =
    failure.error.code === 'MEDIA_INVALID'
      ? 'could not be opened as an image'
      : failure.error.code === 'IO'
        ? 'could not be read'
        : 'could not be imported';
  return `${name} ${what}: ${failure.error.message}`;
}

function applyDraft(layer: Layer, draft: LayerDraft): Layer {
  const next = { ...layer };
  if (draft.transform) next.transform = draft.transform;
  if (draft.crop !== undefined) next.crop = draft.crop;
  if (draft.opacity !== undefined) next.opacity = draft.opacity;
  if (draft.filters) next.filters = draft.filters;
  return next;
}

export class ProjectStore {
  view: ProjectView | null = $state.raw(null);
  phase: ProjectPhase = $state('loading');
  /** Why there is no project (phase `missing`). */
  loadError: IpcError | null = $state.raw(null);
  selectedId: LayerId | null = $state(null);
  drafts: ReadonlyMap<LayerId, LayerDraft & { owner: string }> = $state.raw(new Map());
  notices: Notice[] = $state.raw([]);
  /** Commands in flight (not counting gesture edits). */
  pending = $state(0);
  presets: PresetInfo[] = $state.raw([]);
  exporting = $state(false);
  lastExport: ExportReport | null = $state.raw(null);

  /** The post's layers as shown (bottom first): the engine's, with drafts applied. */
  readonly layers: Layer[] = $derived.by(() => {
    const layers = this.view?.post.layers ?? [];
    const drafts = this.drafts;
    if (drafts.size === 0) return layers;
    return layers.map((layer) => {
      const draft = drafts.get(layer.id);
      return draft ? applyDraft(layer, draft) : layer;
    });
  });

  /** Every layer's own size, drafts applied. */
  readonly sizes: ReadonlyMap<LayerId, Size> = $derived.by(() => {
    const map = new Map<LayerId, Size>();
    for (const s of this.view?.layerSizes ?? []) map.set(s.id, { width: s.width, height: s.height });
    for (const [id, draft] of this.drafts) if (draft.size) map.set(id, draft.size);
    return map;
  });

  /** The post's sound (voiceover, bed, mix); null when it has none. */
  readonly audio: PostAudio | null = $derived(this.view?.post.audio ?? null);

  /** Whether the post has a voiceover or a bed (what WAV and MP4 exports need). */
  readonly hasSound: boolean = $derived(postHasSound(this.view?.post.audio));

  readonly selected: Layer | null = $derived(
    this.layers.find((layer) => layer.id === this.selectedId) ?? null,
  );

  readonly #ipc: ProjectIpc;
  readonly #inApp: () => boolean;
  readonly #latency: LatencyRecorder;
  #noticeId = 0;
  #nudge: {
    gesture: EditGesture;
    burst: number;
    layer: LayerId;
    timer: ReturnType<typeof setTimeout> | undefined;
  } | null = null;
  readonly #bursts = new BurstCounter(NUDGE_BURST_MS);
  /** Gestures with requests not yet answered (or a view not yet read after them). */
  readonly #active = new Set<{ settled: () => Promise<void> }>();
  /** The stage's live frames, when it is shown. */
  #live: LiveFrameSink | null = null;

  constructor(
    ipc: ProjectIpc,
    options: { inApp?: () => boolean; latency?: LatencyRecorder } = {},
  ) {
    this.#ipc = ipc;
    this.#inApp = options.inApp ?? insideTauri;
    this.#latency = options.latency ?? previewLatency;
  }

  /** The selected layer's own size. */
  sizeOf(id: LayerId): Size | undefined {
    return this.sizes.get(id);
  }

  // --- Loading -----------------------------------------------------------------------------

  /** Reads the project the app opened at start-up, and the presets. */
  async load(): Promise<void> {
    if (!this.#inApp()) {
      this.phase = 'no-app';
      return;
    }
    this.phase = 'loading';
    const [current, presets] = await Promise.allSettled([
      this.#ipc.projectCurrent(),
      this.#ipc.presetsList(),
    ]);
    if (presets.status === 'fulfilled') this.presets = presets.value;
    else this.#fail('Could not list the presets', presets.reason);
    if (current.status === 'fulfilled' && current.value) {
      this.#accept(current.value);
    } else if (!this.view) {
      this.phase = 'missing';
      this.loadError =
        current.status === 'rejected'
          ? toIpcError(current.reason)
          : { code: 'INTERNAL', message: 'The app could not open or create a project at start-up.' };
    }
  }

  /** Replaces the view with a command's answer (an older revision of the same project is ignored). */
  #accept(view: ProjectView, inputTime?: number): void {
    const current = this.view;
    if (current && current.dir === view.dir && view.revision < current.revision) return;
    if (current && current.dir !== view.dir) {
      this.drafts = new Map();
      this.selectedId = null;
      this.lastExport = null;
    }
    this.view = view;
    this.phase = 'ready';
    this.loadError = null;
    if (this.selectedId !== null && !view.post.layers.some((l) => l.id === this.selectedId)) {
      this.selectedId = null;
    }
    if (inputTime !== undefined) this.#latency.edited(view.dir, view.revision, inputTime);
  }

  // --- Notices -----------------------------------------------------------------------------

  notify(level: Notice['level'], text: string, code: ErrorCode | null = null): void {
    const last = this.notices.at(-1);
    if (last && last.text === text && last.level === level) return; // the same again (a drag)
    const notice = { id: ++this.#noticeId, level, text, code };
    this.notices = [...this.notices, notice].slice(-MAX_NOTICES);
    if (level === 'info') setTimeout(() => this.dismiss(notice.id), INFO_MS);
  }

  dismiss(id: number): void {
    this.notices = this.notices.filter((n) => n.id !== id);
  }

  #fail(what: string, error: unknown): void {
    const e = toIpcError(error);
    this.notify('error', `${what}: ${e.message}`, e.code);
  }

  async #command<T>(what: string, run: () => Promise<T>): Promise<T | null> {
    this.pending++;
    try {
      return await run();
    } catch (e) {
      this.#fail(what, e);
      return null;
    } finally {
      this.pending--;
    }
  }

  /** Runs a command that answers with a view, and selects the layer it added (if any). */
  async #viewCommand(
    what: string,
    run: () => Promise<ProjectView>,
    inputTime: number | undefined,
    selectAdded = false,
  ): Promise<boolean> {
    const before = this.view?.post.layers ?? [];
    const view = await this.#command(what, run);
    if (!view) return false;
    this.#accept(view, inputTime);
    if (selectAdded) {
      const added = addedLayerId(before, view.post.layers);
      if (added !== null) this.selectedId = added;
    }
    return true;
  }

  // --- Selection ---------------------------------------------------------------------------

  select(id: LayerId | null): void {
    this.selectedId = id;
  }

  // --- Edits -------------------------------------------------------------------------------

  /** Applies edits as one undo step of their own. */
  apply(edits: Edit[], inputTime?: number, what = 'Could not change the post'): Promise<boolean> {
    return this.#viewCommand(what, () => this.#ipc.applyEdits({ edits, gesture: null }), inputTime);
  }

  /**
   * Lets gestures draw their frames on `sink` (the stage, while it is shown). Returns the
   * function that takes it back.
   */
  setLiveFrames(sink: LiveFrameSink): () => void {
    this.#live = sink;
    return () => {
      if (this.#live === sink) this.#live = null;
    };
  }

  /**
   * Starts a gesture: its requests share one gesture id (one undo step), one in flight at a
   * time, the latest value winning. `layer` gets the drafts.
   *
   * With a live-frame sink, each request applies the edits and renders the preview in one round
   * trip and its frame is drawn at once; the view is read (`project_current`) once the last
   * request is answered. Without one, each request is an `apply_edits` answered with the view.
   */
  beginGesture(kind: string, layer: LayerId | null): EditGesture {
    const id = gestureId(kind);
    /** Live requests were answered since the view was last read. */
    let behind = false;
    let reading: Promise<void> | null = null;
    /** Frames whose bytes are still arriving after their request was answered. */
    const arriving = new Set<Promise<void>>();
    const sender = new LatestWinsSender(async (batch) => {
      const request = { edits: batch.edits, gesture: id };
      const sink = this.#live;
      const size = sink?.size() ?? null;
      const key = this.view?.dir;
      try {
        if (sink && size && key !== undefined) {
          behind = true;
          // The sender's slot frees once the engine answered; the frame is drawn when its bytes
          // are in (the scheduler refuses it if a newer one got there first).
          const { frame } = await this.#ipc.editPreviewStream(request, size);
          const shown = frame
            .then((f) => this.#showLive(sink, key, f, batch.inputTime))
            .catch((e: unknown) => this.#fail('Could not apply the change', e))
            .finally(() => arriving.delete(shown));
          arriving.add(shown);
        } else {
          this.#accept(await this.#ipc.applyEdits(request), batch.inputTime);
        }
      } catch (e) {
        this.#fail('Could not apply the change', e);
      }
    });
    /** Waits for the requests, then reads the view once if live requests changed the post. */
    const settled = async (): Promise<void> => {
      await sender.idle();
      await Promise.all([...arriving]);
      if (behind) {
        behind = false;
        reading = this.#readView().finally(() => {
          reading = null;
        });
      }
      await reading;
    };
    const handle = { settled };
    let ended = false;
    return {
      id,
      update: (edits, draft, inputTime) => {
        if (ended) return;
        if (draft && layer !== null) this.#setDraft(layer, draft, id);
        this.#active.add(handle);
        sender.push({ edits, inputTime });
      },
      end: async () => {
        ended = true;
        await settled();
        this.#active.delete(handle);
        if (layer !== null) this.#clearDraft(layer, id);
      },
    };
  }

  /** Draws a live frame and records its latency (one sample when its pixels reach the screen). */
  #showLive(sink: LiveFrameSink, key: string, frame: PreviewFrame, inputTime: number): void {
    if (this.view?.dir !== key) return; // another project was opened meanwhile
    this.#latency.edited(key, frame.revision, inputTime);
    if (sink.draw(frame, key)) this.#latency.drawn(key, frame.revision);
  }

  /** Reads the view again after live requests (they answer with pixels only). */
  async #readView(): Promise<void> {
    try {
      const view = await this.#ipc.projectCurrent();
      if (view) this.#accept(view);
    } catch (e) {
      this.#fail('Could not read the post after the change', e);
    }
  }

  #setDraft(layer: LayerId, draft: LayerDraft, owner: string): void {
    const drafts = new Map(this.drafts);
    const existing = drafts.get(layer);
    drafts.set(layer, existing && existing.owner === owner ? { ...existing, ...draft } : { ...draft, owner });
    this.drafts = drafts;
  }

  #clearDraft(layer: LayerId, owner: string): void {
    if (this.drafts.get(layer)?.owner !== owner) return;
    const drafts = new Map(this.drafts);
    drafts.delete(layer);
    this.drafts = drafts;
  }

  /** Moves the selected layer by (dx, dy) canvas px; presses in a quick run are one undo step. */
  nudge(dx: number, dy: number, inputTime: number): void {
    const layer = this.selected;
    if (!layer) return;
    const burst = this.#bursts.press(inputTime);
    let nudge = this.#nudge;
    if (!nudge || nudge.burst !== burst || nudge.layer !== layer.id) {
      if (nudge) {
        clearTimeout(nudge.timer);
        void nudge.gesture.end();
      }
      nudge = { gesture: this.beginGesture('nudge', layer.id), burst, layer: layer.id, timer: undefined };
      this.#nudge = nudge;
    }
    const transform = translate(layer.transform, { x: dx, y: dy });
    nudge.gesture.update([{ edit: 'set-transform', id: layer.id, transform }], { transform }, inputTime);
    clearTimeout(nudge.timer);
    const current = nudge;
    nudge.timer = setTimeout(() => {
      if (this.#nudge === current) this.#nudge = null;
      void current.gesture.end();
    }, NUDGE_BURST_MS);
  }

  /**
   * Ends a key burst now and waits until every gesture's requests are answered, so that undo,
   * redo, save and export see the post with the last drag in it (one undo step: the whole drag).
   */
  async #settle(): Promise<void> {
    const nudge = this.#nudge;
    if (nudge) {
      this.#nudge = null;
      clearTimeout(nudge.timer);
      void nudge.gesture.end();
    }
    await Promise.all([...this.#active].map((gesture) => gesture.settled()));
  }

  setVisible(id: LayerId, visible: boolean, inputTime?: number): Promise<boolean> {
    return this.apply([{ edit: 'set-visible', id, visible }], inputTime);
  }

  rename(id: LayerId, name: string, inputTime?: number): Promise<boolean> {
    return this.apply([{ edit: 'rename', id, name }], inputTime, 'Could not rename the layer');
  }

  /** Moves a layer to `to` (bottom-first index). */
  moveLayer(id: LayerId, to: number, inputTime?: number): Promise<boolean> {
    return this.apply([{ edit: 'move-layer', id, to }], inputTime, 'Could not move the layer');
  }

  setBlend(id: LayerId, blend: BlendMode, inputTime?: number): Promise<boolean> {
    return this.apply([{ edit: 'set-blend', id, blend }], inputTime);
  }

  setContent(id: LayerId, content: LayerContent, inputTime?: number): Promise<boolean> {
    return this.apply([{ edit: 'set-content', id, content }], inputTime);
  }

  /**
   * Replaces the post's caption. Requests in a row with the same `gesture` (one typing session
   * in the caption box) undo as one step; `null`: a step of its own.
   */
  setCaption(text: string, gesture: string | null = null, inputTime?: number): Promise<boolean> {
    return this.#viewCommand(
      'Could not change the caption',
      () => this.#ipc.applyEdits({ edits: [{ edit: 'set-caption', text }], gesture }),
      inputTime,
    );
  }

  /** Sets the alt text of an image layer. */
  setAltText(id: LayerId, text: string, inputTime?: number): Promise<boolean> {
    return this.apply([{ edit: 'set-alt-text', id, text }], inputTime, 'Could not set the alt text');
  }

  setSlides(slides: number, inputTime?: number): Promise<boolean> {
    return this.apply([{ edit: 'set-slides', slides }], inputTime, 'Could not change the slides');
  }

  /**
   * Replaces the post's sound (one `set-audio` edit, one undo step of its own). Slider drags use
   * {@link beginGesture} instead, so a whole drag undoes as one step.
   */
  setAudio(audio: PostAudio, inputTime?: number): Promise<boolean> {
    return this.apply([{ edit: 'set-audio', audio }], inputTime, "Could not change the post's sound");
  }

  /** Takes the voiceover or the bed out of the post (the other and the mix settings stay). */
  async removeAudio(role: AudioRole, inputTime?: number): Promise<boolean> {
    const audio = this.view?.post.audio;
    if (!audio?.[role]) return false;
    const done = await this.apply(
      [{ edit: 'set-audio', audio: withoutTrack(audio, role) }],
      inputTime,
      `Could not remove the ${roleName(role)}`,
    );
    if (done) this.notify('info', `Removed the post's ${roleName(role)}`);
    return done;
  }

  /** Deletes the selected layer. */
  async removeSelected(inputTime?: number): Promise<void> {
    const id = this.selectedId;
    if (id === null) return;
    if (await this.apply([{ edit: 'remove-layer', id }], inputTime, 'Could not delete the layer')) {
      if (this.selectedId === id) this.selectedId = null;
    }
  }

  // --- Commands ----------------------------------------------------------------------------

  async addText(inputTime?: number): Promise<void> {
    const slideWidth = this.view?.canvas.slideWidth ?? 1080;
    await this.#viewCommand(
      'Could not add text',
      () => this.#ipc.addLayer({ content: defaultTextContent(slideWidth), name: null, at: null }),
      inputTime,
      true,
    );
  }

  /** Adds a text layer with `text` (written words) and selects it. */
  async addTextLayer(text: string, inputTime?: number): Promise<boolean> {
    const slideWidth = this.view?.canvas.slideWidth ?? 1080;
    return this.#viewCommand(
      'Could not add the text',
      () => this.#ipc.addLayer({ content: writtenTextContent(text, slideWidth), name: null, at: null }),
      inputTime,
      true,
    );
  }

  async addShape(inputTime?: number): Promise<void> {
    await this.#viewCommand(
      'Could not add a shape',
      () => this.#ipc.addLayer({ content: defaultShapeContent(), name: null, at: null }),
      inputTime,
      true,
    );
  }

  /** Adds an imported media file (`assets/...`) as an image layer. */
  async addMedia(asset: string, inputTime?: number): Promise<void> {
    await this.#viewCommand(
      'Could not add the image',
      () => this.#ipc.addLayer({ content: { type: 'image', asset }, name: null, at: null }),
      inputTime,
      true,
    );
  }

  /** Adds image `index` of generation job `jobId` (a restyle job: index 0) to the post. */
  async addGenerated(jobId: number, index: number, inputTime?: number): Promise<void> {
    await this.#viewCommand(
      'Could not add the image to the post',
      () => this.#ipc.addGeneratedLayer({ jobId, index }),
      inputTime,
      true,
    );
  }

  /**
   * Saves a clip into the project as the post's voiceover or bed (replacing the one it had), one
   * undo step; says so in a notice.
   */
  async addAudio(clip: AudioClip, role: AudioRole, inputTime?: number): Promise<boolean> {
    const done = await this.#viewCommand(
      `Could not add the ${roleName(role)} to the post`,
      () => this.#ipc.addAudioToPost({ clip: clip.id, role }),
      inputTime,
    );
    if (done) this.notify('info', `Added to the post as its ${roleName(role)}: ${clip.label}`);
    return done;
  }

  async duplicateSelected(inputTime?: number): Promise<void> {
    const id = this.selectedId;
    if (id === null) return;
    await this.#viewCommand(
      'Could not duplicate the layer',
      () => this.#ipc.duplicateLayer({ id }),
      inputTime,
      true,
    );
  }

  async undo(inputTime?: number): Promise<void> {
    await this.#settle();
    if (this.view && !this.view.canUndo) return;
    await this.#viewCommand('Could not undo', () => this.#ipc.undo(), inputTime);
  }

  async redo(inputTime?: number): Promise<void> {
    await this.#settle();
    if (this.view && !this.view.canRedo) return;
    await this.#viewCommand('Could not redo', () => this.#ipc.redo(), inputTime);
  }

  async save(): Promise<void> {
    await this.#settle();
    if (!this.view) return;
    if (await this.#viewCommand('Could not save the project', () => this.#ipc.projectSave(), undefined)) {
      this.notify('info', `Saved ${folderName(this.view.dir)}`);
    }
  }

  /**
   * Imports files; with `place`, each readable one becomes a layer, the first centred at `at`.
   * Files that fail are listed in notices; the others are imported.
   */
  async importFiles(paths: string[], place: boolean, at: [number, number] | null, inputTime?: number): Promise<void> {
    if (paths.length === 0) return;
    const before = this.view?.post.layers ?? [];
    const report = await this.#command('Could not import', () =>
      this.#ipc.importMedia({ paths, place, at }),
    );
    if (!report) return;
    this.#accept(report.view, inputTime);
    for (const failure of report.failed) {
      this.notify('error', importFailureText(failure), failure.error.code);
    }
    if (place) {
      const added = addedLayerId(before, report.view.post.layers);
      if (added !== null) this.selectedId = added;
    } else if (report.imported.length > 0) {
      const n = report.imported.length;
      this.notify('info', `Imported ${n} file${n === 1 ? '' : 's'} into the media bin`);
    }
  }

  async exportPost(preset: string | null, format: ExportFormat): Promise<void> {
    this.exporting = true;
    this.lastExport = null;
    try {
      await this.#settle();
      const report = await this.#command('Could not export', () =>
        this.#ipc.exportPost({ preset, format, out: null }),
      );
      if (report) this.lastExport = report;
    } finally {
      this.exporting = false;
    }
  }

  clearExport(): void {
    this.lastExport = null;
  }

  async createProject(preset: string, dir: string | null = null): Promise<boolean> {
    return this.#viewCommand('Could not create the project', () => this.#ipc.projectCreate(dir, preset), undefined);
  }

  async openProject(dir: string): Promise<boolean> {
    return this.#viewCommand('Could not open the project', () => this.#ipc.projectOpen(dir), undefined);
  }
}
