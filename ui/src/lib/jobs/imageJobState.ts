/**
 * The image-generation job as the Image panel sees it: a pure reducer that folds
 * {@link JobEvent}s and the local request lifecycle ({@link reduceJobLifecycle}: "latest wins")
 * into view state. Each image knows where it comes from (model, seed, index, variation), so it
 * can be varied or animated later, after other jobs replaced it on screen.
 */
import type { GenerateImagesRequest, JobEvent, JobId } from '../ipc';
import { imageModel } from '../models';
import { FACE_MODEL_ID } from '../status/readiness';
import {
  currentJobOf,
  finishedWith,
  plural,
  reduceJobLifecycle,
  type JobLifecycleAction,
  type JobLifecycleState,
} from './jobState';

/** What makes an image again: the engine's recipe, as far as the UI needs it. */
export interface ImageSource {
  /** Manifest id of the generator. */
  model: string;
  seed: number;
  /** The image's index within the seed. */
  index: number;
  /** Set for a variation of that image: which one, and how far from it. */
  variation: { number: number; strength: number } | null;
}

export interface GeneratedImage {
  jobId: JobId;
  /** The item's index within the job (what `add_generated_layer` takes). */
  index: number;
  url: string;
  width: number;
  height: number;
  source: ImageSource;
}

export interface ImageJobState extends JobLifecycleState {
  /** The request of the current job (null before the first). */
  request: GenerateImagesRequest | null;
  done: number;
  total: number;
  /** Milliseconds left, as the backend estimates; null until it knows. */
  etaMs: number | null;
  /** Sorted by index, one entry per index. */
  images: GeneratedImage[];
}

export type ImageJobAction = { type: 'submitted'; seq: number; request: GenerateImagesRequest } | JobLifecycleAction;

export const initialImageJobState: Readonly<ImageJobState> = Object.freeze({
  seq: 0,
  jobId: null,
  status: 'idle',
  request: null,
  done: 0,
  total: 0,
  etaMs: null,
  images: [],
  error: null,
  cancelRequested: false,
});

/** Where item `index` of a job made for `request` comes from (as the engine makes its recipe). */
export function sourceOf(request: GenerateImagesRequest, index: number): ImageSource {
  const model = request.model ?? FACE_MODEL_ID;
  if (request.vary) {
    return {
      model,
      seed: request.seed,
      index: request.vary.index,
      variation: { number: index, strength: request.vary.strength },
    };
  }
  return { model, seed: request.seed, index, variation: null };
}

function insertImage(images: GeneratedImage[], image: GeneratedImage): GeneratedImage[] {
  const next = images.filter((existing) => existing.index !== image.index);
  next.push(image);
  next.sort((a, b) => a.index - b.index);
  return next;
}

function reduceEvent(state: ImageJobState, event: JobEvent): ImageJobState {
  const adopted = currentJobOf(state, event);
  if (adopted === null) return state;

  switch (event.event) {
    case 'started':
      return adopted.status === 'running' ? { ...adopted, total: event.total } : adopted;
    case 'progress':
      if (adopted.status !== 'running') return adopted;
      return {
        ...adopted,
        done: Math.max(adopted.done, event.done),
        total: event.total,
        etaMs: event.etaMs,
      };
    case 'image': {
      if (!adopted.request) return adopted;
      const images = insertImage(adopted.images, {
        jobId: event.jobId,
        index: event.index,
        url: event.url,
        width: event.width,
        height: event.height,
        source: sourceOf(adopted.request, event.index),
      });
      const done = adopted.status === 'running' ? Math.max(adopted.done, images.length) : adopted.done;
      return { ...adopted, images, done };
    }
    case 'finished': {
      if (adopted.status !== 'running') return adopted;
      const ended = finishedWith({ ...adopted, done: event.done, etaMs: null }, event.outcome);
      return ended.status === 'completed' ? { ...ended, total: Math.max(adopted.total, event.done) } : ended;
    }
  }
  return state;
}

export function reduceImageJob(state: ImageJobState, action: ImageJobAction): ImageJobState {
  if (action.type === 'submitted') {
    return {
      ...initialImageJobState,
      images: [],
      seq: action.seq,
      status: 'running',
      request: action.request,
      total: action.request.count,
    };
  }
  return reduceJobLifecycle(state, action, reduceEvent, { etaMs: null });
}

/** "3 s left", "2 min 05 s left", "1 h 04 min left". */
export function formatEta(etaMs: number | null): string {
  if (etaMs === null || !Number.isFinite(etaMs) || etaMs < 0) return 'estimating time left…';
  if (etaMs < 1000) return 'less than a second left';
  const seconds = Math.round(etaMs / 1000);
  if (seconds < 60) return `${seconds} s left`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) {
    const rest = seconds % 60;
    return rest === 0 ? `${minutes} min left` : `${minutes} min ${String(rest).padStart(2, '0')} s left`;
  }
  const hours = Math.floor(minutes / 60);
  const restMinutes = minutes % 60;
  return restMinutes === 0
    ? `${hours} h left`
    : `${hours} h ${String(restMinutes).padStart(2, '0')} min left`;
}

/** What the job's images are called: "faces", "stickers", or "variations" of one. */
function nounsOf(request: GenerateImagesRequest | null): { one: string; many: string } {
  if (request?.vary) return { one: 'variation', many: 'variations' };
  return imageModel(request?.model ?? FACE_MODEL_ID);
}

/** The text of the state line under the Generate button (empty while idle). */
export function describeImageJob(state: ImageJobState): string {
  const { one, many } = nounsOf(state.request);
  switch (state.status) {
    case 'idle':
      return '';
    case 'running':
      return state.cancelRequested ? 'Cancelling…' : `Generating ${plural(state.total, one, many)}…`;
    case 'completed':
      return `Done: ${plural(state.done, one, many)}`;
    case 'cancelled':
      return `Cancelled after ${state.done} of ${state.total}`;
    case 'failed':
      return state.error?.message ?? 'Generation failed.';
  }
}

/** "Face 3", "Sticker 1", "Variation 2 of face 3": an image's name for people. */
export function imageName(source: ImageSource): string {
  const { one } = imageModel(source.model);
  const base = `${one} ${source.index + 1}`;
  if (!source.variation) return base.charAt(0).toUpperCase() + base.slice(1);
  return `Variation ${source.variation.number + 1} of ${base}`;
}
