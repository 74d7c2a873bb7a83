import { describe, expect, it } from 'vitest';

import type { InterpolateRequest, JobEvent } from '../ipc';
import { animationFrameCount, describeAnimationJob, type AnimationJobState } from './animationJobState';
import {
  formatRate,
  initialMediaJobState,
  progressLine,
  reduceMediaJob,
  type MediaJobAction,
  type MediaJobState,
} from './mediaJobState';
import { describeClip, describeRestyleJob, type RestyleJobRequest, type RestyleJobState } from './restyleJobState';

const PHOTO: RestyleJobRequest = { kind: 'photo', request: { input: '/p/beach.jpg', model: 'restyle-cartoon', strength: 1 } };
const CLIP: RestyleJobRequest = {
  kind: 'clip',
  request: { input: '/v/clip.mp4', output: '', model: 'restyle-cartoon', strength: 1, smoothing: 0.5 },
};

function fold<R>(request: R, seq: number, ...events: JobEvent[]): MediaJobState<R> {
  const actions: MediaJobAction<R>[] = [
    { type: 'submitted', seq, request },
    ...events.map((event): MediaJobAction<R> => ({ type: 'event', seq, event })),
  ];
  return actions.reduce<MediaJobState<R>>(reduceMediaJob, initialMediaJobState<R>());
}

const progress = (jobId: number, done: number, total: number, rate?: number): JobEvent => ({
  event: 'progress',
  jobId,
  done,
  total,
  etaMs: ((total - done) / (rate ?? 1)) * 1000,
  ...(rate === undefined ? {} : { rate }),
});

describe('reduceMediaJob', () => {
  it('folds a photo restyle: tiles, then the result and the original', () => {
    const state = fold(
      PHOTO,
      1,
      { event: 'started', jobId: 3, total: 2 },
      progress(3, 1, 2),
      progress(3, 2, 2),
      { event: 'restyled', jobId: 3, url: 'u0', originalUrl: 'u1', width: 640, height: 480 },
      { event: 'finished', jobId: 3, done: 2, outcome: { state: 'completed' } },
    );
    expect(state).toMatchObject({ status: 'completed', jobId: 3, done: 2, total: 2, etaMs: null, file: null });
    expect(state.restyled).toEqual({ jobId: 3, url: 'u0', originalUrl: 'u1', width: 640, height: 480 });
    expect(describeRestyleJob(state)).toBe('Done: restyled 640 × 480');
  });

  it('folds a clip restyle: frames with their rate, then the written file', () => {
    const running = fold(CLIP, 1, { event: 'started', jobId: 4, total: 50 }, progress(4, 12, 50, 5.08));
    expect(running).toMatchObject({ status: 'running', done: 12, total: 50, rate: 5.08 });
    expect(progressLine(running, 'frame')).toBe('frame 12/50 · 5.1 fps · 7 s left');
    expect(describeRestyleJob(running)).toBe('Restyling the clip…');

    // A progress event without a rate keeps the last one.
    const later = reduceMediaJob(running, { type: 'event', seq: 1, event: progress(4, 13, 50) });
    expect(later.rate).toBe(5.08);

    const done = [
      { event: 'fileWritten', jobId: 4, path: '/v/clip-restyled.mp4', width: 160, height: 120, frames: 50, hasAudio: true },
      { event: 'finished', jobId: 4, done: 50, outcome: { state: 'completed' } },
    ].reduce<RestyleJobState>((s, event) => reduceMediaJob(s, { type: 'event', seq: 1, event: event as JobEvent }), later);
    expect(done.file).toEqual({ path: '/v/clip-restyled.mp4', width: 160, height: 120, frames: 50, hasAudio: true });
    expect(describeRestyleJob(done)).toBe('Done: 50 frames written');
    expect(describeClip(done.file!)).toBe('50 frames, 160 × 120, with sound');
  });

  it('never moves progress backwards and ignores other jobs', () => {
    const state = fold(
      CLIP,
      1,
      { event: 'started', jobId: 4, total: 50 },
      progress(4, 20, 50, 5),
      progress(4, 18, 50, 5),
      progress(9, 40, 50, 5),
    );
    expect(state.done).toBe(20);
  });

  it('drops everything of a superseded request', () => {
    const first = fold<RestyleJobRequest>(CLIP, 1, { event: 'started', jobId: 4, total: 50 });
    const second = reduceMediaJob(first, { type: 'submitted', seq: 2, request: PHOTO });
    const stale = reduceMediaJob(second, { type: 'event', seq: 1, event: progress(4, 30, 50, 5) });
    expect(stale).toBe(second);
    expect(second).toMatchObject({ seq: 2, status: 'running', jobId: null, done: 0, total: 0, request: PHOTO });
  });

  it('reports a cancelled clip without a file', () => {
    const state = fold(
      CLIP,
      1,
      { event: 'started', jobId: 4, total: 25 },
      progress(4, 5, 25, 5),
      { event: 'finished', jobId: 4, done: 5, outcome: { state: 'cancelled' } },
    );
    expect(state).toMatchObject({ status: 'cancelled', file: null, done: 5, total: 25 });
    expect(describeRestyleJob(state)).toBe('Cancelled after 5 of 25 frames; no file was written.');
  });

  it('keeps the error of a failed job, and of a refused command', () => {
    const failed = fold(
      PHOTO,
      1,
      { event: 'started', jobId: 5, total: 1 },
      {
        event: 'finished',
        jobId: 5,
        done: 0,
        outcome: { state: 'failed', error: { code: 'INFERENCE_FAILED', message: 'out of memory' } },
      },
    );
    expect(failed.status).toBe('failed');
    expect(describeRestyleJob(failed)).toBe('out of memory');

    const refused = reduceMediaJob(reduceMediaJob(initialMediaJobState<RestyleJobRequest>(), { type: 'submitted', seq: 1, request: PHOTO }), {
      type: 'rejected',
      seq: 1,
      error: { code: 'MEDIA_INVALID', message: 'notes.txt could not be opened as an image' },
    });
    expect(refused).toMatchObject({ status: 'failed', error: { code: 'MEDIA_INVALID' } });
  });

  it('does not let a late progress event reopen a finished job', () => {
    const done = fold(
      PHOTO,
      1,
      { event: 'started', jobId: 3, total: 1 },
      { event: 'finished', jobId: 3, done: 1, outcome: { state: 'completed' } },
      progress(3, 0, 1),
    );
    expect(done).toMatchObject({ status: 'completed', done: 1 });
  });
});

describe('progressLine', () => {
  it.each([
    [{ done: 0, total: 0, etaMs: null, rate: null }, 'frame', 'starting…'],
    [{ done: 1, total: 4, etaMs: null, rate: null }, 'tile', 'tile 1/4 · estimating time left…'],
    [{ done: 1, total: 4, etaMs: 3000, rate: 0.5 }, 'tile', 'tile 1/4 · 3 s left'],
    [{ done: 12, total: 50, etaMs: 8000, rate: 5.1 }, 'frame', 'frame 12/50 · 5.1 fps · 8 s left'],
    [{ done: 3, total: 50, etaMs: 2000, rate: 24.4 }, 'frame', 'frame 3/50 · 24 fps · 2 s left'],
  ] as const)('%j as %s: %s', (state, unit, line) => {
    expect(progressLine(state, unit)).toBe(line);
  });

  it('formats rates with one decimal below 10', () => {
    expect(formatRate(0.25)).toBe('0.3 fps');
    expect(formatRate(9.94)).toBe('9.9 fps');
    expect(formatRate(12.6)).toBe('13 fps');
  });
});

describe('describeRestyleJob', () => {
  it('names what runs, and a cancel on its way', () => {
    const photo = fold(PHOTO, 1);
    expect(describeRestyleJob(photo)).toBe('Restyling the photo…');
    expect(describeRestyleJob({ ...photo, cancelRequested: true })).toBe('Cancelling…');
    expect(describeRestyleJob({ ...photo, status: 'cancelled' })).toBe('Cancelled.');
    expect(describeRestyleJob(initialMediaJobState<RestyleJobRequest>())).toBe('');
  });
});

describe('animations', () => {
  const REQUEST: InterpolateRequest = {
    model: 'dcgan-faces',
    fromSeed: 42,
    fromIndex: 0,
    toSeed: 7,
    toIndex: 2,
    frames: 24,
    fps: 12,
    pingPong: true,
    format: 'gif',
    output: '/p/a.gif',
  };

  it('counts a ping-pong loop without repeating its turning points', () => {
    expect(animationFrameCount({ frames: 24, pingPong: true })).toBe(46);
    expect(animationFrameCount({ frames: 2, pingPong: true })).toBe(2);
    expect(animationFrameCount({ frames: 24, pingPong: false })).toBe(24);
  });

  it('describes the job from start to file', () => {
    const submitted: AnimationJobState = fold(REQUEST, 1);
    expect(describeAnimationJob(submitted)).toBe('Rendering 46 frames…');
    const done = fold(
      REQUEST,
      1,
      { event: 'started', jobId: 2, total: 46 },
      { event: 'fileWritten', jobId: 2, path: '/p/a.gif', width: 64, height: 64, frames: 46, hasAudio: false },
      { event: 'finished', jobId: 2, done: 46, outcome: { state: 'completed' } },
    );
    expect(describeAnimationJob(done)).toBe('Done: 46 frames written');
    expect(describeAnimationJob({ ...done, status: 'cancelled', done: 3 })).toBe(
      'Cancelled after 3 of 46 frames; no file was written.',
    );
  });
});
