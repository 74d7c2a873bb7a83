/**
 * The jobs that make one result rather than a stream of images: restyling a photo (progress
 * counts tiles, then one `restyled` event), restyling a clip and rendering an animation (progress
 * counts frames, with frames per second, then one `fileWritten` event). A pure reducer over
 * {@link JobEvent}s and the request lifecycle ({@link reduceJobLifecycle}: "latest wins").
 */
import type { JobEvent, JobId } from '../ipc';
import { formatEta } from './imageJobState';
import { currentJobOf, finishedWith, reduceJobLifecycle, type JobLifecycleAction, type JobLifecycleState } from './jobState';

/** A restyled photo: the result and the original, both PNGs of the same size. */
export interface RestyledImage {
  jobId: JobId;
  url: string;
  originalUrl: string;
  width: number;
  height: number;
}

/** A file a job wrote (a restyled clip, an animation). */
export interface WrittenFile {
  path: string;
  width: number;
  height: number;
  frames: number;
  hasAudio: boolean;
}

export interface MediaJobState<R> extends JobLifecycleState {
  /** The request of the current job (null before the first). */
  request: R | null;
  /** Items (tiles or frames) done and in all; `total` is 0 until the job says. */
  done: number;
  total: number;
  /** Milliseconds left, as the engine estimates; null until it knows. */
  etaMs: number | null;
  /** Items per second so far; null until one is done. */
  rate: number | null;
  restyled: RestyledImage | null;
  file: WrittenFile | null;
}

export type MediaJobAction<R> = { type: 'submitted'; seq: number; request: R } | JobLifecycleAction;

export function initialMediaJobState<R>(): MediaJobState<R> {
  return {
    seq: 0,
    jobId: null,
    status: 'idle',
    request: null,
    done: 0,
    total: 0,
    etaMs: null,
    rate: null,
    restyled: null,
    file: null,
    error: null,
    cancelRequested: false,
  };
}

function reduceEvent<R>(state: MediaJobState<R>, event: JobEvent): MediaJobState<R> {
  const adopted = currentJobOf(state, event);
  if (adopted === null) return state;
  const running = adopted.status === 'running';

  switch (event.event) {
    case 'started':
      return running ? { ...adopted, total: event.total } : adopted;
    case 'progress':
      if (!running) return adopted;
      return {
        ...adopted,
        done: Math.max(adopted.done, event.done),
        total: event.total,
        etaMs: event.etaMs,
        rate: event.rate ?? adopted.rate,
      };
    case 'restyled': {
      const { jobId, url, originalUrl, width, height } = event;
      return { ...adopted, restyled: { jobId, url, originalUrl, width, height } };
    }
    case 'fileWritten': {
      const { path, width, height, frames, hasAudio } = event;
      return { ...adopted, file: { path, width, height, frames, hasAudio } };
    }
    case 'finished': {
      if (!running) return adopted;
      const ended = finishedWith({ ...adopted, done: event.done, etaMs: null }, event.outcome);
      // A cancelled or failed clip or animation leaves no file: drop anything announced.
      return ended.status === 'completed' ? { ...ended, total: Math.max(adopted.total, event.done) } : { ...ended, file: null };
    }
  }
  return state;
}

export function reduceMediaJob<R>(state: MediaJobState<R>, action: MediaJobAction<R>): MediaJobState<R> {
  if (action.type === 'submitted') {
    return { ...initialMediaJobState<R>(), seq: action.seq, status: 'running', request: action.request };
  }
  return reduceJobLifecycle(state, action, reduceEvent, { etaMs: null });
}

/** "5.1 fps", "12 fps": one decimal below 10. */
export function formatRate(rate: number): string {
  return `${rate < 10 ? rate.toFixed(1) : Math.round(rate)} fps`;
}

/**
 * The progress line of a running job: "frame 12/50 · 5.1 fps · 8 s left" (the rate once known),
 * "tile 2/4 · 3 s left"; "starting…" until the job said how much there is.
 */
export function progressLine(state: Pick<MediaJobState<unknown>, 'done' | 'total' | 'etaMs' | 'rate'>, unit: 'frame' | 'tile'): string {
  if (state.total === 0) return 'starting…';
  const parts = [`${unit} ${state.done}/${state.total}`];
  if (unit === 'frame' && state.rate !== null && state.rate > 0) parts.push(formatRate(state.rate));
  parts.push(formatEta(state.etaMs));
  return parts.join(' · ');
}
