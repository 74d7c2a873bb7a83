import { describe, expect, it } from 'vitest';

import type { JobEvent, WriteRequest } from '../ipc';
import { writeJobEvents, writeResult, writeVariant } from '../../test/backend';
import {
  appendHashtags,
  describeWriteJob,
  formatCount,
  initialWriteJobState,
  reduceWriteJob,
  writeCards,
  type WriteJobAction,
  type WriteJobState,
} from './writeJobState';

const REQUEST: WriteRequest = {
  tool: 'caption',
  platform: 'x',
  topic: 'sunset at the beach',
  keywords: [],
  tone: '',
  text: '',
  shorter: false,
  variants: 3,
  seed: 42,
  temperature: null,
};

function fold(actions: WriteJobAction[], from: WriteJobState = initialWriteJobState): WriteJobState {
  return actions.reduce(reduceWriteJob, from);
}

const events = (seq: number, ...list: JobEvent[]): WriteJobAction[] => list.map((event) => ({ type: 'event', seq, event }));
const submitted = (seq: number, request: WriteRequest = REQUEST): WriteJobAction => ({ type: 'submitted', seq, request });
const delta = (jobId: number, variant: number, text: string): JobEvent => ({ event: 'textDelta', jobId, variant, text });

const RESULT = writeResult(REQUEST, [
  writeVariant(2, 'Golden hour on the sand.', { score: 0.9 }),
  writeVariant(0, 'The sun says goodnight.', { score: 0.7, trimmed: true }),
  writeVariant(1, 'Beach. Sunset. Bliss.', { score: 0.4 }),
]);

describe('reduceWriteJob', () => {
  it('starts idle with no cards', () => {
    expect(initialWriteJobState.status).toBe('idle');
    expect(writeCards(initialWriteJobState)).toEqual([]);
    expect(describeWriteJob(initialWriteJobState)).toBe('');
  });

  it('ignores job events while idle', () => {
    expect(fold(events(0, delta(1, 0, 'hi')))).toEqual(initialWriteJobState);
  });

  it('shows one empty streaming card per requested variant at once', () => {
    const state = fold([submitted(1)]);
    expect(state.status).toBe('running');
    expect(writeCards(state)).toEqual([0, 1, 2].map((variant) => ({ variant, rank: null, text: '', streaming: true, final: null })));
    expect(describeWriteJob(state)).toBe('Writing 3 captions…');
  });

  it('accumulates deltas per variant, interleaved', () => {
    const state = fold([
      submitted(1),
      ...events(
        1,
        { event: 'started', jobId: 5, total: 3 },
        delta(5, 0, 'Gold'),
        delta(5, 2, 'The'),
        delta(5, 0, 'en hour'),
        delta(5, 2, ' sun'),
        delta(5, 1, 'Beach'),
        { event: 'progress', jobId: 5, done: 0, total: 3, etaMs: null },
      ),
    ]);
    expect(state.jobId).toBe(5);
    expect(state.streams).toEqual(['Golden hour', 'Beach', 'The sun']);
    expect(writeCards(state).map((c) => [c.variant, c.text, c.streaming])).toEqual([
      [0, 'Golden hour', true],
      [1, 'Beach', true],
      [2, 'The sun', true],
    ]);
  });

  it('fills gaps when a later variant speaks first, and drops impossible variant indices', () => {
    const state = fold([submitted(1, { ...REQUEST, variants: 2 }), ...events(1, delta(3, 1, 'b'), delta(3, -1, 'x'), delta(3, 99, 'y'), delta(3, 0.5, 'z'))]);
    expect(state.streams).toEqual(['', 'b']);
  });

  it('ignores the events of an older job (latest wins)', () => {
    const state = fold([
      submitted(1),
      ...events(1, { event: 'started', jobId: 7, total: 3 }, delta(7, 0, 'old')),
      submitted(2),
      ...events(2, { event: 'started', jobId: 8, total: 3 }),
      // Late events of job 7 arrive on the new submit's queue too.
      ...events(2, delta(7, 0, ' stale'), { event: 'written', jobId: 7, result: RESULT }),
      { type: 'event', seq: 1, event: delta(8, 0, 'wrong seq') },
      ...events(2, delta(8, 0, 'new')),
      { type: 'accepted', seq: 1, jobId: 7 },
    ]);
    expect(state.jobId).toBe(8);
    expect(state.streams).toEqual(['new']);
    expect(state.result).toBeNull();
    expect(state.status).toBe('running');
  });

  it('replaces the streaming cards with the written variants, best first', () => {
    const state = fold([
      submitted(1),
      ...events(1, ...writeJobEvents(4, ['The sun', 'Beach', 'Golden hour'], RESULT)),
      { type: 'accepted', seq: 1, jobId: 4 },
    ]);
    expect(state.status).toBe('completed');
    const cards = writeCards(state);
    expect(cards.map((c) => [c.rank, c.variant, c.text, c.streaming])).toEqual([
      [0, 2, 'Golden hour on the sand.', false],
      [1, 0, 'The sun says goodnight.', false],
      [2, 1, 'Beach. Sunset. Bliss.', false],
    ]);
    expect(cards[1]?.final?.trimmed).toBe(true);
    expect(describeWriteJob(state)).toBe('Done: 3 captions, best first');
  });

  it('keeps the written text when raw deltas arrive after it', () => {
    const state = fold([submitted(1), ...events(1, delta(4, 0, 'a'), { event: 'written', jobId: 4, result: RESULT }, delta(4, 0, 'late'))]);
    expect(state.streams).toEqual(['a']);
    expect(writeCards(state)[0]?.text).toBe('Golden hour on the sand.');
    expect(describeWriteJob(state)).toBe('Finishing…');
  });

  it('ends cancelled: the partial text stays, marked as no longer streaming', () => {
    const state = fold([
      submitted(1),
      { type: 'accepted', seq: 1, jobId: 9 },
      ...events(1, delta(9, 0, 'Half a thou')),
      { type: 'cancelRequested', seq: 1 },
    ]);
    expect(state.cancelRequested).toBe(true);
    expect(describeWriteJob(state)).toBe('Cancelling…');
    const ended = fold(events(1, { event: 'finished', jobId: 9, done: 0, outcome: { state: 'cancelled' } }), state);
    expect(ended.status).toBe('cancelled');
    expect(ended.cancelRequested).toBe(false);
    expect(ended.error).toBeNull();
    expect(writeCards(ended).map((c) => [c.text, c.streaming])).toEqual([
      ['Half a thou', false],
      ['', false],
      ['', false],
    ]);
    expect(describeWriteJob(ended)).toBe('Cancelled: nothing was written');
    // Nothing moves after the end.
    expect(fold(events(1, delta(9, 0, 'ght')), ended)).toBe(ended);
  });

  it('ends failed with the engine error', () => {
    const error = { code: 'INFERENCE_FAILED', message: 'The text model failed: out of memory.' } as const;
    const state = fold([submitted(1), ...events(1, { event: 'finished', jobId: 2, done: 0, outcome: { state: 'failed', error } })]);
    expect(state.status).toBe('failed');
    expect(state.error).toEqual(error);
    expect(describeWriteJob(state)).toBe('The text model failed: out of memory.');
  });

  it('fails when a completed job sent no result', () => {
    const state = fold([submitted(1), ...events(1, { event: 'finished', jobId: 2, done: 3, outcome: { state: 'completed' } })]);
    expect(state.status).toBe('failed');
    expect(state.error?.code).toBe('INTERNAL');
  });

  it('fails with the refusal of the command, and ignores a stale one', () => {
    const error = { code: 'MODEL_MISSING', message: 'smollm2-135m.onnx is missing: run set-up.' } as const;
    const state = fold([submitted(1), { type: 'rejected', seq: 1, error }]);
    expect(state.status).toBe('failed');
    expect(describeWriteJob(state)).toBe(error.message);
    const newer = fold([submitted(2), { type: 'rejected', seq: 1, error }], state);
    expect(newer.status).toBe('running');
  });

  it('clears Cancelling when the cancel could not be sent', () => {
    const state = fold([submitted(1), { type: 'cancelRequested', seq: 1 }, { type: 'cancelFailed', seq: 1 }]);
    expect(state.cancelRequested).toBe(false);
  });
});

describe('card helpers', () => {
  it('formats the count against the limit', () => {
    expect(formatCount({ count: 142, limit: 280 })).toBe('142 / 280');
    expect(formatCount({ count: 1200, limit: 63206 })).toBe('1,200 / 63,206');
  });

  it('appends hashtags the caption does not carry yet', () => {
    expect(appendHashtags('', ['#sun', '#beach'])).toBe('#sun #beach');
    expect(appendHashtags('Golden hour.', ['#sun', '#beach'])).toBe('Golden hour.\n\n#sun #beach');
    expect(appendHashtags('Golden hour.\n\n#Sun', ['#sun', '#beach'])).toBe('Golden hour.\n\n#Sun #beach');
    expect(appendHashtags('Golden hour #beach ', ['#BEACH'])).toBe('Golden hour #beach ');
    expect(appendHashtags('Hi', ['#a', ' ', '#a'])).toBe('Hi\n\n#a');
  });
});
