import { describe, expect, it } from 'vitest';

import type { GenerateImagesRequest, JobEvent } from '../ipc';
import {
  describeImageJob,
  formatEta,
  imageName,
  initialImageJobState,
  reduceImageJob,
  sourceOf,
  type ImageJobAction,
  type ImageJobState,
} from './imageJobState';

const image = (jobId: number, index: number): JobEvent => ({
  event: 'image',
  jobId,
  index,
  url: `postcraft://localhost/jobs/${jobId}/${index}.png`,
  width: 64,
  height: 64,
});

function fold(actions: ImageJobAction[], from: ImageJobState = initialImageJobState): ImageJobState {
  return actions.reduce(reduceImageJob, from);
}

function events(seq: number, ...list: JobEvent[]): ImageJobAction[] {
  return list.map((event) => ({ type: 'event', seq, event }));
}

const submitted = (seq: number, count: number, request: Partial<GenerateImagesRequest> = {}): ImageJobAction => ({
  type: 'submitted',
  seq,
  request: { count, seed: 42, ...request },
});

describe('reduceImageJob', () => {
  it('starts idle', () => {
    expect(initialImageJobState.status).toBe('idle');
    expect(describeImageJob(initialImageJobState)).toBe('');
  });

  it('ignores job events while idle', () => {
    const state = fold(events(0, { event: 'started', jobId: 1, total: 3 }, image(1, 0)));
    expect(state).toEqual(initialImageJobState);
  });

  it('folds a completed job in order', () => {
    const state = fold([
      submitted(1, 3),
      ...events(
        1,
        { event: 'started', jobId: 7, total: 3 },
        image(7, 0),
        { event: 'progress', jobId: 7, done: 1, total: 3, etaMs: 2000 },
        image(7, 1),
        { event: 'progress', jobId: 7, done: 2, total: 3, etaMs: 1000 },
        image(7, 2),
        { event: 'progress', jobId: 7, done: 3, total: 3, etaMs: 0 },
        { event: 'finished', jobId: 7, done: 3, outcome: { state: 'completed' } },
      ),
      { type: 'accepted', seq: 1, jobId: 7 },
    ]);
    expect(state.status).toBe('completed');
    expect(state.jobId).toBe(7);
    expect(state.done).toBe(3);
    expect(state.total).toBe(3);
    expect(state.etaMs).toBeNull();
    expect(state.images.map((i) => i.index)).toEqual([0, 1, 2]);
    expect(state.images[1]?.url).toBe('postcraft://localhost/jobs/7/1.png');
    expect(describeImageJob(state)).toBe('Done: 3 faces');
  });

  it('tracks progress and eta while running', () => {
    const state = fold([
      submitted(1, 8),
      ...events(
        1,
        { event: 'started', jobId: 2, total: 8 },
        { event: 'progress', jobId: 2, done: 3, total: 8, etaMs: 12_500 },
      ),
    ]);
    expect(state.status).toBe('running');
    expect(state.done).toBe(3);
    expect(state.total).toBe(8);
    expect(state.etaMs).toBe(12_500);
    expect(describeImageJob(state)).toBe('Generating 8 faces…');
  });

  it('sorts images that arrive out of order and keeps one per index', () => {
    const state = fold([
      submitted(1, 4),
      ...events(1, { event: 'started', jobId: 3, total: 4 }, image(3, 2), image(3, 0), image(3, 3)),
      ...events(1, { ...image(3, 0), url: 'postcraft://localhost/jobs/3/0-again.png' } as JobEvent),
    ]);
    expect(state.images.map((i) => i.index)).toEqual([0, 2, 3]);
    expect(state.images[0]?.url).toBe('postcraft://localhost/jobs/3/0-again.png');
    // The bar follows the images even before a progress event says so.
    expect(state.done).toBe(3);
  });

  it('never moves progress backwards', () => {
    const state = fold([
      submitted(1, 4),
      ...events(
        1,
        { event: 'started', jobId: 3, total: 4 },
        image(3, 0),
        image(3, 1),
        { event: 'progress', jobId: 3, done: 1, total: 4, etaMs: 900 },
      ),
    ]);
    expect(state.done).toBe(2);
    expect(state.etaMs).toBe(900);
  });

  it('ignores events of an older job once the current job is known', () => {
    const first = fold([
      submitted(1, 2),
      { type: 'accepted', seq: 1, jobId: 10 },
      ...events(1, { event: 'started', jobId: 10, total: 2 }, image(10, 0)),
    ]);
    const second = fold(
      [
        submitted(2, 5),
        ...events(2, { event: 'started', jobId: 11, total: 5 }),
        // Stragglers of job 10 (without the submit tag, the job id alone decides).
        { type: 'event', event: image(10, 1) },
        { type: 'event', event: { event: 'progress', jobId: 10, done: 2, total: 2, etaMs: 0 } },
        {
          type: 'event',
          event: { event: 'finished', jobId: 10, done: 2, outcome: { state: 'completed' } },
        },
        ...events(2, image(11, 0)),
      ],
      first,
    );
    expect(second.jobId).toBe(11);
    expect(second.status).toBe('running');
    expect(second.total).toBe(5);
    expect(second.images.map((i) => [i.jobId, i.index])).toEqual([[11, 0]]);
    expect(second.done).toBe(1);
  });

  it('ignores everything tagged with a superseded submit', () => {
    const state = fold([
      submitted(1, 2),
      submitted(2, 3),
      // The first request's job starts late: it must not be adopted as the current job.
      ...events(1, { event: 'started', jobId: 20, total: 2 }, image(20, 0)),
      { type: 'accepted', seq: 1, jobId: 20 },
      { type: 'rejected', seq: 1, error: { code: 'INTERNAL', message: 'old' } },
    ]);
    expect(state.seq).toBe(2);
    expect(state.jobId).toBeNull();
    expect(state.status).toBe('running');
    expect(state.total).toBe(3);
    expect(state.images).toEqual([]);
  });

  it('reports a cancelled job with what was done', () => {
    const state = fold([
      submitted(1, 8),
      ...events(1, { event: 'started', jobId: 4, total: 8 }, image(4, 0), image(4, 1), image(4, 2)),
      { type: 'cancelRequested', seq: 1 },
      ...events(1, { event: 'finished', jobId: 4, done: 3, outcome: { state: 'cancelled' } }),
    ]);
    expect(state.status).toBe('cancelled');
    expect(state.cancelRequested).toBe(false);
    expect(state.images).toHaveLength(3);
    expect(describeImageJob(state)).toBe('Cancelled after 3 of 8');
  });

  it('shows "Cancelling…" between the request and the end', () => {
    const state = fold([
      submitted(1, 8),
      ...events(1, { event: 'started', jobId: 4, total: 8 }),
      { type: 'cancelRequested', seq: 1 },
    ]);
    expect(state.status).toBe('running');
    expect(describeImageJob(state)).toBe('Cancelling…');
    expect(fold([{ type: 'cancelFailed', seq: 1 }], state).cancelRequested).toBe(false);
  });

  it('keeps the images of a failed job and its error', () => {
    const state = fold([
      submitted(1, 4),
      ...events(
        1,
        { event: 'started', jobId: 5, total: 4 },
        image(5, 0),
        {
          event: 'finished',
          jobId: 5,
          done: 1,
          outcome: {
            state: 'failed',
            error: { code: 'INFERENCE_FAILED', message: 'The model run failed: out of memory.' },
          },
        },
      ),
    ]);
    expect(state.status).toBe('failed');
    expect(state.error?.code).toBe('INFERENCE_FAILED');
    expect(state.images).toHaveLength(1);
    expect(describeImageJob(state)).toBe('The model run failed: out of memory.');
  });

  it('fails when the command is rejected', () => {
    const state = fold([
      submitted(1, 4),
      {
        type: 'rejected',
        seq: 1,
        error: { code: 'MODEL_MISSING', message: 'dcgan-faces.onnx is missing.' },
      },
    ]);
    expect(state.status).toBe('failed');
    expect(state.error).toEqual({ code: 'MODEL_MISSING', message: 'dcgan-faces.onnx is missing.' });
  });

  it('does not let a late progress event reopen a finished job', () => {
    const state = fold([
      submitted(1, 1),
      ...events(
        1,
        { event: 'started', jobId: 6, total: 1 },
        image(6, 0),
        { event: 'finished', jobId: 6, done: 1, outcome: { state: 'completed' } },
        { event: 'progress', jobId: 6, done: 0, total: 1, etaMs: 500 },
      ),
    ]);
    expect(state.status).toBe('completed');
    expect(state.etaMs).toBeNull();
    expect(describeImageJob(state)).toBe('Done: 1 face');
  });

  it('starts each submit from a clean slate', () => {
    const done = fold([
      submitted(1, 1),
      ...events(
        1,
        { event: 'started', jobId: 6, total: 1 },
        image(6, 0),
        { event: 'finished', jobId: 6, done: 1, outcome: { state: 'completed' } },
      ),
    ]);
    const next = reduceImageJob(done, submitted(2, 4));
    expect(next).toMatchObject({
      seq: 2,
      jobId: null,
      status: 'running',
      done: 0,
      total: 4,
      images: [],
      error: null,
    });
  });
});

describe('formatEta', () => {
  it.each([
    [null, 'estimating time left…'],
    [-5, 'estimating time left…'],
    [0, 'less than a second left'],
    [999, 'less than a second left'],
    [1_000, '1 s left'],
    [12_400, '12 s left'],
    [59_400, '59 s left'],
    [59_600, '1 min left'],
    [65_000, '1 min 05 s left'],
    [754_000, '12 min 34 s left'],
    [3_600_000, '1 h left'],
    [3_840_000, '1 h 04 min left'],
  ])('formats %s ms as "%s"', (ms, text) => {
    expect(formatEta(ms)).toBe(text);
  });
});

describe('image sources', () => {
  it('records where each image comes from: model, seed and index', () => {
    const state = fold([
      submitted(1, 2, { model: 'dcgan-stickers', seed: 9 }),
      ...events(1, { event: 'started', jobId: 3, total: 2 }, image(3, 1), image(3, 0)),
    ]);
    expect(state.images.map((i) => i.source)).toEqual([
      { model: 'dcgan-stickers', seed: 9, index: 0, variation: null },
      { model: 'dcgan-stickers', seed: 9, index: 1, variation: null },
    ]);
    expect(describeImageJob(state)).toBe('Generating 2 stickers…');
    expect(imageName(state.images[1]!.source)).toBe('Sticker 2');
  });

  it('makes image i of a variation job variation i of the chosen image', () => {
    const request = { count: 3, seed: 42, vary: { index: 5, strength: 0.2 } };
    expect(sourceOf(request, 2)).toEqual({
      model: 'dcgan-faces',
      seed: 42,
      index: 5,
      variation: { number: 2, strength: 0.2 },
    });
    expect(imageName(sourceOf(request, 2))).toBe('Variation 3 of face 6');
    const done = fold([
      submitted(1, 3, { vary: { index: 5, strength: 0.2 } }),
      ...events(1, { event: 'started', jobId: 3, total: 3 }, image(3, 0), {
        event: 'finished',
        jobId: 3,
        done: 1,
        outcome: { state: 'completed' },
      }),
    ]);
    expect(describeImageJob(done)).toBe('Done: 1 variation');
  });

  it('calls the images of an unknown model "images"', () => {
    const state = fold([submitted(1, 2, { model: 'my-gan' })]);
    expect(describeImageJob(state)).toBe('Generating 2 images…');
    expect(imageName(sourceOf({ model: 'my-gan', count: 1, seed: 1 }, 0))).toBe('Image 1');
  });
});
