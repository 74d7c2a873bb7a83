/**
 * What the view state of every job (faces, writing) has in common, and the pure helpers their
 * reducers share: the request lifecycle (accepted, refused, Cancel pressed, cancel failed) and
 * "latest wins".
 *
 * "Latest wins": every submit gets a new `seq`; actions carrying an older `seq`, and events of
 * any job other than the current one, are dropped.
 */
import type { IpcError, JobEvent, JobId, JobOutcome } from '../ipc';

export type JobStatus = 'idle' | 'running' | 'completed' | 'cancelled' | 'failed';

/** The fields every job state carries (each job adds its own results). */
export interface JobLifecycleState {
  /** Which submit this state belongs to (0 before the first). */
  seq: number;
  /** The backend's id, known from the first event or the resolved command, whichever is first. */
  jobId: JobId | null;
  status: JobStatus;
  /** Why it failed (status `failed`). */
  error: IpcError | null;
  /** The creator pressed Cancel and the job has not ended yet. */
  cancelRequested: boolean;
}

/** The actions of the request lifecycle, the same for every job (each adds its `submitted`). */
export type JobLifecycleAction =
  | { type: 'accepted'; seq: number; jobId: JobId }
  | { type: 'rejected'; seq: number; error: IpcError }
  | { type: 'cancelRequested'; seq: number }
  | { type: 'cancelFailed'; seq: number }
  | { type: 'event'; seq?: number; event: JobEvent };

/**
 * The state an event applies to: `state` with the event's job id adopted when none is known yet.
 * Null when the event is to be dropped: no job runs, or it is another (older) job's.
 */
export function currentJobOf<S extends JobLifecycleState>(state: S, event: JobEvent): S | null {
  if (state.status === 'idle') return null;
  if (state.jobId !== null && event.jobId !== state.jobId) return null; // another (older) job
  return state.jobId === null ? { ...state, jobId: event.jobId } : state;
}

/**
 * Folds a lifecycle action into a job's state; `reduceEvent` folds the job's own events.
 * `onRejected` is what else a refused request resets (besides status, error and Cancel).
 */
export function reduceJobLifecycle<S extends JobLifecycleState>(
  state: S,
  action: JobLifecycleAction,
  reduceEvent: (state: S, event: JobEvent) => S,
  onRejected: Partial<S> = {},
): S {
  if (action.seq !== undefined && action.seq !== state.seq) return state; // a superseded request

  switch (action.type) {
    case 'accepted':
      return state.jobId === null ? { ...state, jobId: action.jobId } : state;
    case 'rejected':
      return state.status === 'running'
        ? { ...state, ...onRejected, status: 'failed', error: action.error, cancelRequested: false }
        : state;
    case 'cancelRequested':
      return state.status === 'running' ? { ...state, cancelRequested: true } : state;
    case 'cancelFailed':
      return { ...state, cancelRequested: false };
    case 'event':
      return reduceEvent(state, action.event);
  }
}

/**
 * `state` ended with `outcome` (Cancel no longer pending). `missing`: when the job completed
 * without sending what it makes, why that is a failure (an `INTERNAL` error's message).
 */
export function finishedWith<S extends JobLifecycleState>(state: S, outcome: JobOutcome, missing: string | null = null): S {
  const base = { ...state, cancelRequested: false };
  switch (outcome.state) {
    case 'completed':
      return missing === null
        ? { ...base, status: 'completed' }
        : { ...base, status: 'failed', error: { code: 'INTERNAL', message: missing } };
    case 'cancelled':
      return { ...base, status: 'cancelled' };
    case 'failed':
      return { ...base, status: 'failed', error: outcome.error };
  }
}

/** "1 face", "3 faces". */
export function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}
