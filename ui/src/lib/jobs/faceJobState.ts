/**
 * The face-generation job as the Image panel sees it: a pure reducer that folds
 * {@link JobEvent}s and the local request lifecycle ({@link reduceJobLifecycle}: "latest wins")
 * into view state.
 */
import type { JobEvent, JobId } from '../ipc';
import {
  currentJobOf,
  plural,
  reduceJobLifecycle,
  type JobLifecycleAction,
  type JobLifecycleState,
} from './jobState';

export interface FaceImage {
  jobId: JobId;
  index: number;
  url: string;
  width: number;
  height: number;
}

export interface FaceJobState extends JobLifecycleState {
  done: number;
  total: number;
  /** Milliseconds left, as the backend estimates; null until it knows. */
  etaMs: number | null;
  /** Sorted by index, one entry per index. */
  images: FaceImage[];
}

export type FaceJobAction = { type: 'submitted'; seq: number; total: number } | JobLifecycleAction;

export const initialFaceJobState: Readonly<FaceJobState> = Object.freeze({
  seq: 0,
  jobId: null,
  status: 'idle',
  done: 0,
  total: 0,
  etaMs: null,
  images: [],
  error: null,
  cancelRequested: false,
});

function insertImage(images: FaceImage[], image: FaceImage): FaceImage[] {
  const next = images.filter((existing) => existing.index !== image.index);
  next.push(image);
  next.sort((a, b) => a.index - b.index);
  return next;
}

function reduceEvent(state: FaceJobState, event: JobEvent): FaceJobState {
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
      const images = insertImage(adopted.images, {
        jobId: event.jobId,
        index: event.index,
        url: event.url,
        width: event.width,
        height: event.height,
      });
      const done = adopted.status === 'running' ? Math.max(adopted.done, images.length) : adopted.done;
      return { ...adopted, images, done };
    }
    case 'finished': {
      if (adopted.status !== 'running') return adopted;
      const base = { ...adopted, done: event.done, etaMs: null, cancelRequested: false };
      switch (event.outcome.state) {
        case 'completed':
          return { ...base, status: 'completed', total: Math.max(adopted.total, event.done) };
        case 'cancelled':
          return { ...base, status: 'cancelled' };
        case 'failed':
          return { ...base, status: 'failed', error: event.outcome.error };
      }
    }
  }
  return state;
}

export function reduceFaceJob(state: FaceJobState, action: FaceJobAction): FaceJobState {
  if (action.type === 'submitted') {
    return {
      ...initialFaceJobState,
      images: [],
      seq: action.seq,
      status: 'running',
      total: action.total,
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

/** The text of the state line under the Generate button (empty while idle). */
export function describeFaceJob(state: FaceJobState): string {
  switch (state.status) {
    case 'idle':
      return '';
    case 'running':
      return state.cancelRequested
        ? 'Cancelling…'
        : `Generating ${plural(state.total, 'face', 'faces')}…`;
    case 'completed':
      return `Done: ${plural(state.done, 'face', 'faces')}`;
    case 'cancelled':
      return `Cancelled after ${state.done} of ${state.total}`;
    case 'failed':
      return state.error?.message ?? 'Generation failed.';
  }
}
