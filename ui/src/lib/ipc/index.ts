/**
 * The UI's one door to the Rust side. Nothing else imports `invoke` or `Channel`
 * (ESLint's `no-restricted-imports` enforces it); components get these functions
 * through {@link StudioIpc} so tests can hand in fakes.
 *
 * Types come from `./bindings.ts`, generated from the Rust types in crates/core.
 */
import { Channel, convertFileSrc, invoke } from '@tauri-apps/api/core';
import { getCurrentWebview } from '@tauri-apps/api/webview';

import { ERROR_CODES } from './bindings';
import type {
  AddAudioRequest,
  AddGeneratedRequest,
  AddLayerRequest,
  AppStatus,
  ApplyEditsRequest,
  AudioClip,
  ExportReport,
  ExportRequest,
  GenerateHitsRequest,
  GenerateImagesRequest,
  ImportMediaRequest,
  ImportReport,
  InterpolateRequest,
  IpcError,
  JobEvent,
  JobId,
  LayerRequest,
  MakeBeatRequest,
  MixRequest,
  PlatformInfo,
  PlayerAction,
  PlayerReport,
  PresetInfo,
  ProjectView,
  RestyleImageRequest,
  RestyleVideoRequest,
  SpeakRequest,
  TextCount,
  WriteRequest,
} from './bindings';

export type * from './bindings';
export {
  ERROR_CODES,
  MAX_ANIMATION_FPS,
  MAX_ANIMATION_FRAMES,
  MAX_FACE_COUNT,
  MAX_SEED,
  MAX_SMOOTHING,
  MAX_SPEECH_CHARS,
  MAX_UPSCALE_SIDE,
  PEAK_BUCKETS,
} from './bindings';

const ERROR_CODE_SET: ReadonlySet<string> = new Set<string>(ERROR_CODES);

/** True when `value` is an {@link IpcError} as the Rust side serializes it. */
export function isIpcError(value: unknown): value is IpcError {
  if (typeof value !== 'object' || value === null) return false;
  const { code, message } = value as Record<string, unknown>;
  return typeof code === 'string' && ERROR_CODE_SET.has(code) && typeof message === 'string';
}

/**
 * Normalizes whatever a rejected command gave us. Commands reject with `{code, message}`;
 * anything else (a string from the IPC layer, an `Error`, `undefined`) becomes `INTERNAL`.
 */
export function toIpcError(e: unknown): IpcError {
  if (isIpcError(e)) return { code: e.code, message: e.message };
  if (e instanceof Error) return { code: 'INTERNAL', message: e.message || e.name };
  if (typeof e === 'string' && e.trim() !== '') return { code: 'INTERNAL', message: e };
  if (typeof e === 'object' && e !== null) {
    const { message } = e as Record<string, unknown>;
    if (typeof message === 'string' && message.trim() !== '') {
      return { code: 'INTERNAL', message };
    }
  }
  return { code: 'INTERNAL', message: 'Something went wrong in the app (no details were given).' };
}

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    // Reject with a well-formed IpcError whatever the transport gave us.
    // eslint-disable-next-line @typescript-eslint/only-throw-error
    throw toIpcError(e);
  }
}

/** What the studio has loaded: ONNX Runtime and every model of the manifest. */
export function appStatus(): Promise<AppStatus> {
  return call<AppStatus>('app_status');
}

/** Starts a job command: its events come through a fresh Channel, its id as the answer. */
function startJob(command: string, request: unknown, onEvent: (event: JobEvent) => void): Promise<JobId> {
  const channel = new Channel<JobEvent>();
  channel.onmessage = onEvent;
  return call<JobId>(command, { request, onEvent: channel });
}

/**
 * Starts an image-generation job (new images of a seed, or variations of one image). Resolves
 * with its id at once; `onEvent` then receives `started`, `progress`/`image` interleaved, and one
 * `finished`. Events may arrive before the promise resolves. Rejects (no job) when the request is
 * out of range or the model cannot be loaded.
 */
export function generateImages(
  request: GenerateImagesRequest,
  onEvent: (event: JobEvent) => void,
): Promise<JobId> {
  return startJob('generate_images', request, onEvent);
}

/**
 * Starts rendering an animation between two generated images (GIF or MP4) into
 * `request.output`. Events: `started`, `progress` counting frames, one `fileWritten`, `finished`.
 */
export function interpolateImages(
  request: InterpolateRequest,
  onEvent: (event: JobEvent) => void,
): Promise<JobId> {
  return startJob('interpolate_images', request, onEvent);
}

/**
 * Starts restyling a photo. Events: `started`, `progress` counting tiles, one `restyled` (the
 * result's and the original's URLs, same size), `finished`. Rejects (no job) for a file that is
 * not an image (`MEDIA_INVALID`), a missing model or out-of-range settings.
 */
export function restyleImage(request: RestyleImageRequest, onEvent: (event: JobEvent) => void): Promise<JobId> {
  return startJob('restyle_image', request, onEvent);
}

/**
 * Starts restyling a clip into an MP4 (empty `output`: `<name>-restyled.mp4` beside the clip).
 * Events: `started`, `progress` counting frames (with `rate` in frames per second and `etaMs`),
 * one `fileWritten`, `finished`. Rejects (no job) for an unreadable clip (`MEDIA_INVALID`).
 * Cancelled, it leaves no file.
 */
export function restyleVideo(request: RestyleVideoRequest, onEvent: (event: JobEvent) => void): Promise<JobId> {
  return startJob('restyle_video', request, onEvent);
}

/**
 * Starts a writing job (caption, hashtags, draft, rewrite, alt text). Resolves with its id at
 * once; `onEvent` then receives `started`, the model's text as `textDelta` events (per variant,
 * token by token), one `written` with the cleaned variants best first, and one `finished`.
 * Rejects (no job) when the request is invalid or the text model cannot be loaded.
 */
export function writeText(request: WriteRequest, onEvent: (event: JobEvent) => void): Promise<JobId> {
  return startJob('write_text', request, onEvent);
}

// ---------------------------------------------------------------------------------------------
// Sound: the Voice and Sound tools' jobs (each result arrives as an `audioClip` event, its WAV
// served at `clip.url`) and the studio's one player.

/**
 * Starts speaking `request.text`. Events: `started` (sentences in all), per sentence a
 * `speechSentence` (with `request.play`, the engine plays each as soon as it exists) and a
 * `progress`, then the whole speech as one `audioClip` (kind `voice`), `finished`. Rejects (no
 * job) for a text over {@link MAX_SPEECH_CHARS} characters or without words, settings out of
 * range, a missing voice, or no espeak-ng (`TOOL_MISSING`).
 */
export function speak(request: SpeakRequest, onEvent: (event: JobEvent) => void): Promise<JobId> {
  return startJob('speak', request, onEvent);
}

/** Starts generating one-shot drum hits; each arrives as an `audioClip` (kind `hit`). */
export function generateHits(request: GenerateHitsRequest, onEvent: (event: JobEvent) => void): Promise<JobId> {
  return startJob('generate_hits', request, onEvent);
}

/**
 * Starts sequencing a beat (`request.lanes`, else the preset) from generated hits; the loop
 * arrives as one `audioClip` (kind `beat`).
 */
export function makeBeat(request: MakeBeatRequest, onEvent: (event: JobEvent) => void): Promise<JobId> {
  return startJob('make_beat', request, onEvent);
}

/**
 * Starts mixing a voiceover over a bed, normalized to -14 LUFS with the true peak at or under
 * -1 dBTP; the mix arrives as one `audioClip` (kind `mix`, its label says the loudness).
 */
export function mixAudio(request: MixRequest, onEvent: (event: JobEvent) => void): Promise<JobId> {
  return startJob('mix_audio', request, onEvent);
}

/**
 * Reads a sound file the creator brings (WAV, FLAC, MP3, Ogg, or the sound of an MP4/MOV) as a
 * clip (kind `imported`), to play, mix and add to the post. A file that is not one rejects with
 * `MEDIA_INVALID`, its message naming the file; a file that cannot be read, with `IO`.
 */
export function importAudio(path: string): Promise<AudioClip> {
  return call<AudioClip>('import_audio', { path });
}

/**
 * Sends the player's reports to `onReport` from now on (about 30 a second while playing, and on
 * every change); resolves with the current state. Rejects with `AUDIO_DEVICE_UNAVAILABLE` when
 * there is no sound output device.
 */
export function playerSubscribe(onReport: (report: PlayerReport) => void): Promise<PlayerReport> {
  const channel = new Channel<PlayerReport>();
  channel.onmessage = onReport;
  return call<PlayerReport>('player_subscribe', { onReport: channel });
}

/** Plays clip `clip` from its start. */
export function playerPlayClip(clip: number): Promise<void> {
  return call<void>('player_play_clip', { clip });
}

/** Plays, pauses, stops, seeks, loops or sets the volume; the new state arrives as a report. */
export function playerControl(action: PlayerAction): Promise<void> {
  return call<void>('player_control', { action });
}

/**
 * Every platform the engine knows, with its text rules (limit, how it counts, hashtags, caption
 * fold, alt text, canvas presets), in the engine's order.
 */
export function platformsList(): Promise<PlatformInfo[]> {
  return call<PlatformInfo[]>('platforms_list');
}

/**
 * How long `text` is on `platform` (an id, as `write_text` takes it), as the engine counts it
 * (twitter-text weighting on X, graphemes on Bluesky, code points elsewhere), against the
 * platform's limit. Rejects with `INVALID_REQUEST` for an unknown platform.
 */
export function countText(text: string, platform: string): Promise<TextCount> {
  return call<TextCount>('count_text', { text, platform });
}

/**
 * The URL of a generated image upscaled `scale` times by the engine (Catmull-Rom), for showing a
 * 64x64 source large without the browser's blur. Scales above 8 are clamped by the engine.
 */
export function scaledMediaUrl(url: string, scale: number): string {
  const separator = url.includes('?') ? '&' : '?';
  return `${url}${separator}scale=${Math.max(1, Math.round(scale))}`;
}

/** Asks a job to stop. Resolves `false` when it had already ended. */
export function cancelJob(jobId: JobId): Promise<boolean> {
  return call<boolean>('cancel_job', { jobId });
}

/**
 * Forgets failed loads (runtime library, models) and checks again, after the creator fixed the
 * set-up; resolves with the new status.
 */
export function reloadEngine(): Promise<AppStatus> {
  return call<AppStatus>('reload_engine');
}

// ---------------------------------------------------------------------------------------------
// Projects and editing. Every command that changes the post resolves with the whole
// ProjectView after the change; the UI replaces its copy with it.

/** Every canvas preset the app knows. */
export function presetsList(): Promise<PresetInfo[]> {
  return call<PresetInfo[]>('presets_list');
}

/** The project the app opened or created at start-up; null only when that failed. */
export function projectCurrent(): Promise<ProjectView | null> {
  return call<ProjectView | null>('project_current');
}

/** Creates a project on `preset` in `dir` (null: a new folder in the default projects folder). */
export function projectCreate(dir: string | null, preset: string): Promise<ProjectView> {
  return call<ProjectView>('project_create', { dir, preset });
}

/** Opens the project in `dir`. */
export function projectOpen(dir: string): Promise<ProjectView> {
  return call<ProjectView>('project_open', { dir });
}

/** Writes the project to its folder. */
export function projectSave(): Promise<ProjectView> {
  return call<ProjectView>('project_save');
}

/**
 * Applies edits. Requests in a row with the same `gesture` undo as one step (a whole drag);
 * `gesture: null` makes the request a step of its own.
 */
export function applyEdits(request: ApplyEditsRequest): Promise<ProjectView> {
  return call<ProjectView>('apply_edits', { request });
}

/** Adds a layer on top; the engine gives it its id and fits it into the canvas. */
export function addLayer(request: AddLayerRequest): Promise<ProjectView> {
  return call<ProjectView>('add_layer', { request });
}

/** Copies a layer (placed above it). */
export function duplicateLayer(request: LayerRequest): Promise<ProjectView> {
  return call<ProjectView>('duplicate_layer', { request });
}

/** Undoes the last step. */
export function undo(): Promise<ProjectView> {
  return call<ProjectView>('undo');
}

/** Redoes the last undone step. */
export function redo(): Promise<ProjectView> {
  return call<ProjectView>('redo');
}

/**
 * Copies files into the project (and with `place`, adds each as a layer). Files that cannot be
 * imported are listed in `failed` with their error; the others are imported.
 */
export function importMedia(request: ImportMediaRequest): Promise<ImportReport> {
  return call<ImportReport>('import_media', { request });
}

/**
 * Adds an image of a generation job (its index) or of a restyle job (index 0) to the post as a
 * layer, saved into the project.
 */
export function addGeneratedLayer(request: AddGeneratedRequest): Promise<ProjectView> {
  return call<ProjectView>('add_generated_layer', { request });
}

/**
 * Saves a clip into the project (a WAV asset) as the post's voiceover or bed, one undoable step;
 * resolves with the view after it.
 */
export function addAudioToPost(request: AddAudioRequest): Promise<ProjectView> {
  return call<ProjectView>('add_audio_to_post', { request });
}

/**
 * Renders the post to files (`png`/`jpeg`: the image, a file per slide; `wav`: its sound; `mp4`:
 * its image for as long as its sound, with it). `wav` and `mp4` refuse a post without sound
 * (`INVALID_REQUEST`). `out: null` writes into the project's `exports/` folder.
 */
export function exportPost(request: ExportRequest): Promise<ExportReport> {
  return call<ExportReport>('export_post', { request });
}

/** The size and overlays of a preview frame. */
export interface PreviewSize {
  /** Pixel size of the frame: the displayed size times the device pixel ratio. */
  width: number;
  height: number;
  /** Whether the platform's safe zone (and slide dividers) are drawn over the post. */
  overlays: boolean;
}

/** What a preview frame is asked for. */
export interface PreviewParams extends PreviewSize {
  /** The ProjectView revision it should show (the engine always renders its current post). */
  revision: number;
}

/**
 * A decoded preview frame: `width * height * 4` RGBA bytes of the whole canvas. `revision` is the
 * one the engine rendered (its `x-postcraft-revision` header; it renders its current post, which
 * may be newer than the one asked for), or the one asked for when the header is missing.
 */
export interface PreviewFrame extends PreviewParams {
  pixels: Uint8ClampedArray<ArrayBuffer>;
}

/** The header with the revision the engine rendered. */
export const PREVIEW_REVISION_HEADER = 'x-postcraft-revision';

/**
 * A URL of the app's `postcraft:` scheme (`postcraft://localhost/<path>`, or
 * `http://postcraft.localhost/<path>` on Windows), as Tauri's `convertFileSrc` builds it.
 */
function schemeUrl(path: string): string {
  const internals = (window as { __TAURI_INTERNALS__?: { convertFileSrc?: unknown } })
    .__TAURI_INTERNALS__;
  if (typeof internals?.convertFileSrc === 'function') return convertFileSrc(path, 'postcraft');
  return `postcraft://localhost/${encodeURIComponent(path)}`;
}

/** The URL of the engine's preview (raw RGBA bytes, no header) at `width` x `height`. */
export function previewUrl({ revision, width, height, overlays }: PreviewParams): string {
  const base = schemeUrl('preview');
  return `${base}?rev=${revision}&w=${width}&h=${height}&overlays=${overlays ? 1 : 0}`;
}

/** The URL that applies edits (the POST body) and answers with the preview, as {@link previewUrl}. */
export function editPreviewUrl({ width, height, overlays }: PreviewSize): string {
  return `${schemeUrl('preview')}?w=${width}&h=${height}&overlays=${overlays ? 1 : 0}`;
}

/**
 * The URL of a media-bin thumbnail (PNG, at most `max` pixels on its longer side):
 * `postcraft://localhost/asset/<asset path>?max=N`. Each segment of the asset's path is
 * percent-encoded but its slashes stay, so the scheme handler finds the `asset/` prefix whether or
 * not it decodes the path first (`convertFileSrc('asset/' + asset)` would encode them as `%2F`).
 */
export function assetThumbnailUrl(asset: string, max = 256): string {
  const path = asset.split('/').map(encodeURIComponent).join('/');
  return `${schemeUrl('asset')}/${path}?max=${max}`;
}

async function responseError(response: Response): Promise<IpcError> {
  let body = '';
  try {
    body = await response.text();
  } catch {
    // No body: the status says enough.
  }
  try {
    const parsed: unknown = JSON.parse(body);
    if (isIpcError(parsed)) return { code: parsed.code, message: parsed.message };
  } catch {
    // Not JSON: use the text.
  }
  const detail = body.trim() || response.statusText || `status ${response.status}`;
  return { code: 'INTERNAL', message: `The preview could not be rendered: ${detail}` };
}

/**
 * Reads a preview answer: `width * height * 4` RGBA bytes and the revision in the
 * `x-postcraft-revision` header (`fallbackRevision` when the header is missing or malformed; with
 * none, a missing header is refused). Rejects with an IpcError for a refusal or a wrong size.
 */
async function readPreview(
  response: Response,
  size: PreviewSize,
  fallbackRevision: number | null,
): Promise<PreviewFrame> {
  // eslint-disable-next-line @typescript-eslint/only-throw-error
  if (!response.ok) throw await responseError(response);
  const pixels = new Uint8ClampedArray(await response.arrayBuffer());
  const expected = size.width * size.height * 4;
  if (pixels.length !== expected) {
    // eslint-disable-next-line @typescript-eslint/only-throw-error
    throw {
      code: 'INTERNAL',
      message: `The preview had ${pixels.length} bytes where ${size.width}x${size.height} RGBA needs ${expected}.`,
    } satisfies IpcError;
  }
  const rendered = Number(response.headers.get(PREVIEW_REVISION_HEADER) ?? Number.NaN);
  let revision = rendered;
  if (!Number.isSafeInteger(rendered) || rendered < 0) {
    if (fallbackRevision === null) {
      // eslint-disable-next-line @typescript-eslint/only-throw-error
      throw {
        code: 'INTERNAL',
        message: `The preview did not say which revision it shows (no ${PREVIEW_REVISION_HEADER} header).`,
      } satisfies IpcError;
    }
    revision = fallbackRevision;
  }
  return { width: size.width, height: size.height, overlays: size.overlays, revision, pixels };
}

async function schemeFetch(url: string, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (e) {
    // eslint-disable-next-line @typescript-eslint/only-throw-error
    throw toIpcError(e);
  }
}

/**
 * Fetches one preview frame from the app's `postcraft:` scheme. Rejects with an IpcError when
 * the engine refuses or the byte count is not `width * height * 4`.
 */
export async function fetchPreview(params: PreviewParams): Promise<PreviewFrame> {
  const response = await schemeFetch(previewUrl(params));
  return readPreview(response, params, params.revision);
}

/**
 * Applies edits and fetches the preview of the result in one round trip: `POST /preview` with the
 * request as its body. Same grouping as {@link applyEdits} (requests in a row with the same
 * `gesture` undo as one step), and the answer of {@link fetchPreview}, labelled with the revision
 * the engine rendered (these edits included). It does not answer with a ProjectView: read it with
 * {@link projectCurrent} when the gesture is over. The body goes as `text/plain` so the request
 * needs no CORS preflight.
 */
export async function editPreview(request: ApplyEditsRequest, target: PreviewSize): Promise<PreviewFrame> {
  return (await editPreviewStream(request, target)).frame;
}

/**
 * {@link editPreview} in two steps: resolves as soon as the engine has answered (the response's
 * headers: the edits are applied and the frame rendered), with the frame's bytes still arriving
 * in `frame`. A drag sends its next edits at that point instead of after the body, so the next
 * render overlaps this frame's transfer; the engine has already applied these edits, so the
 * order of edits is kept. Errors of the request reject the outer promise; errors of the body
 * reject `frame`.
 */
export async function editPreviewStream(
  request: ApplyEditsRequest,
  target: PreviewSize,
): Promise<{ frame: Promise<PreviewFrame> }> {
  const response = await schemeFetch(editPreviewUrl(target), {
    method: 'POST',
    headers: { 'Content-Type': 'text/plain;charset=UTF-8' },
    body: JSON.stringify(request),
  });
  // eslint-disable-next-line @typescript-eslint/only-throw-error
  if (!response.ok) throw await responseError(response);
  return { frame: readPreview(response, target, null) };
}

/** An OS file drag over the window, with its position in CSS pixels of the page. */
export type FileDragEvent =
  | { type: 'enter' | 'over'; x: number; y: number }
  | { type: 'drop'; x: number; y: number; paths: string[] }
  | { type: 'leave' };

/**
 * Listens to files dragged from the OS onto the window (Tauri routes them to the app; HTML5
 * drag-and-drop does not see them). Positions arrive in physical pixels and are turned into CSS
 * pixels here. Outside the app (tests, a plain browser) this does nothing. Resolves with the
 * function that stops listening.
 */
export async function onFileDrag(handler: (event: FileDragEvent) => void): Promise<() => void> {
  if (!insideTauri()) return () => {};
  const unlisten = await getCurrentWebview().onDragDropEvent(({ payload }) => {
    if (payload.type === 'leave') {
      handler({ type: 'leave' });
      return;
    }
    const ratio = window.devicePixelRatio || 1;
    const x = payload.position.x / ratio;
    const y = payload.position.y / ratio;
    if (payload.type === 'drop') handler({ type: 'drop', x, y, paths: payload.paths });
    else handler({ type: payload.type, x, y });
  });
  return () => {
    // Typed `() => void`, but it returns a promise that rejects when the window (or a test's
    // mocks) went away first: nothing is listening any more then.
    Promise.resolve()
      .then(() => unlisten())
      .catch(() => {});
  };
}

/** The backend calls the UI makes, as one object so components and tests can swap it. */
export interface StudioIpc {
  appStatus: typeof appStatus;
  reloadEngine: typeof reloadEngine;
  generateImages: typeof generateImages;
  interpolateImages: typeof interpolateImages;
  restyleImage: typeof restyleImage;
  restyleVideo: typeof restyleVideo;
  writeText: typeof writeText;
  speak: typeof speak;
  generateHits: typeof generateHits;
  makeBeat: typeof makeBeat;
  mixAudio: typeof mixAudio;
  importAudio: typeof importAudio;
  playerSubscribe: typeof playerSubscribe;
  playerPlayClip: typeof playerPlayClip;
  playerControl: typeof playerControl;
  cancelJob: typeof cancelJob;
  platformsList: typeof platformsList;
  countText: typeof countText;
  presetsList: typeof presetsList;
  projectCurrent: typeof projectCurrent;
  projectCreate: typeof projectCreate;
  projectOpen: typeof projectOpen;
  projectSave: typeof projectSave;
  applyEdits: typeof applyEdits;
  addLayer: typeof addLayer;
  duplicateLayer: typeof duplicateLayer;
  undo: typeof undo;
  redo: typeof redo;
  importMedia: typeof importMedia;
  addGeneratedLayer: typeof addGeneratedLayer;
  addAudioToPost: typeof addAudioToPost;
  exportPost: typeof exportPost;
  fetchPreview: typeof fetchPreview;
  editPreview: typeof editPreview;
  editPreviewStream: typeof editPreviewStream;
  assetThumbnailUrl: typeof assetThumbnailUrl;
  onFileDrag: typeof onFileDrag;
}

export const tauriIpc: StudioIpc = {
  appStatus,
  reloadEngine,
  generateImages,
  interpolateImages,
  restyleImage,
  restyleVideo,
  writeText,
  speak,
  generateHits,
  makeBeat,
  mixAudio,
  importAudio,
  playerSubscribe,
  playerPlayClip,
  playerControl,
  cancelJob,
  platformsList,
  countText,
  presetsList,
  projectCurrent,
  projectCreate,
  projectOpen,
  projectSave,
  applyEdits,
  addLayer,
  duplicateLayer,
  undo,
  redo,
  importMedia,
  addGeneratedLayer,
  addAudioToPost,
  exportPost,
  fetchPreview,
  editPreview,
  editPreviewStream,
  assetThumbnailUrl,
  onFileDrag,
};

/**
 * Whether the page runs inside the Tauri app (rather than a plain browser, e.g. `vite preview`).
 * `mockIPC` from `@tauri-apps/api/mocks` counts as inside.
 */
export function insideTauri(): boolean {
  const internals = (window as { __TAURI_INTERNALS__?: { invoke?: unknown } }).__TAURI_INTERNALS__;
  return typeof internals?.invoke === 'function';
}
