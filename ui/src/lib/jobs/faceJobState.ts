/**
 * The face-generation job as the Image panel sees it: a pure reducer that folds
 * {@link JobEvent}s and the local request lifecycle into view state.
 *
 * "Latest wins": every submit gets a new `seq`; actions carrying an older `seq`, and
 * events of any job other than the current one, are dropped.
 */
import type { IpcError, JobEvent, JobId } from '../ipc';

export type FaceJobStatus = 'idle' | 'running' | 'completed' | 'cancelled' | 'failed';

export interface FaceImage {
  jobId: JobId;
  index: number;
  url: string;
  width: number;
  height: number;
}

export interface FaceJobState {
  /** Which submit this state belongs to (0 before the first). */
  seq: number;
  /** The backend's id, known from the `started` event or the resolved command, whichever is first. */
  jobId: JobId | null;
  status: FaceJobStatus;
  done: number;
  total: number;
  /** Milliseconds left, as the backend estimates; null until it knows. */
  etaMs: number | null;
  /** Sorted by index, one entry per index. */
  images: FaceImage[];
  /** Why it failed (status `failed`). */
  error: IpcError | null;
  /** The creator pressed Cancel and the job has not ended yet. */
  cancelRequested: boolean;
}

export type FaceJobAction =
  | { type: 'submitted'; seq: number; total: number }
  | { type: 'accepted'; seq: number; jobId: JobId }
  | { type: 'rejected'; seq: number; error: IpcError }
  | { type: 'cancelRequested'; seq: number }
  | { type: 'cancelFailed'; seq: number }
  | { type: 'event'; seq?: number; event: JobEvent };

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
  if (state.status === 'idle') return state;
  if (state.jobId !== null && event.jobId !== state.jobId) return state; // another (older) job
  const adopted = state.jobId === null ? { ...state, jobId: event.jobId } : state;

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
  if (action.seq !== undefined && action.seq !== state.seq) return state; // a superseded request

  switch (action.type) {
    case 'accepted':
      return state.jobId === null ? { ...state, jobId: action.jobId } : state;
    case 'rejected':
      return state.status === 'running'
        ? { ...state, status: 'failed', error: action.error, etaMs: null, cancelRequested: false }
        : state;
    case 'cancelRequested':
      return state.status === 'running' ? { ...state, cancelRequested: true } : state;
    case 'cancelFailed':
      return { ...state, cancelRequested: false };
    case 'event':
      return reduceEvent(state, action.event);
  }
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

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
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
