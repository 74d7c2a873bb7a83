import { describe, expect, it } from 'vitest';

import type { AudioClip, GenerateHitsRequest, JobEvent, MakeBeatRequest, MixRequest, SpeakRequest } from '../ipc';
import {
  describeBeatJob,
  describeHitsJob,
  describeMixJob,
  describeSpeakJob,
  formatDuration,
  formatSeconds,
  initialAudioJobState,
  mixLoudness,
  reduceAudioJob,
  speechProgress,
  type AudioJobAction,
  type AudioJobState,
} from './audioJobState';

const SPEAK: SpeakRequest = { text: 'One. Two. Three.', sentenceSilence: 0.2, play: true };
const HITS: GenerateHitsRequest = { kind: 'kick', count: 3, seed: 7 };

function clip(id: number, overrides: Partial<AudioClip> = {}): AudioClip {
  return {
    id,
    kind: 'hit',
    label: `kick 7/${id}`,
    url: `postcraft://localhost/audio/${id}.wav`,
    durationSeconds: 0.5,
    sampleRate: 16000,
    channels: 1,
    peaks: [[-0.5, 0.5]],
    ...overrides,
  };
}

function fold<R>(actions: AudioJobAction<R>[], from: AudioJobState<R> = initialAudioJobState<R>()): AudioJobState<R> {
  return actions.reduce(reduceAudioJob<R>, from);
}

const events = <R>(seq: number, ...list: JobEvent[]): AudioJobAction<R>[] => list.map((event) => ({ type: 'event', seq, event }));
const sentence = (jobId: number, index: number, count = 3): JobEvent => ({
  event: 'speechSentence',
  jobId,
  index,
  count,
  startSeconds: index,
  durationSeconds: 1,
  phonemes: 'wʌn',
});
const clipEvent = (jobId: number, index: number, c: AudioClip): JobEvent => ({ event: 'audioClip', jobId, index, clip: c });
const finished = (jobId: number, done: number, outcome: Extract<JobEvent, { event: 'finished' }>['outcome']): JobEvent => ({
  event: 'finished',
  jobId,
  done,
  outcome,
});

describe('reduceAudioJob', () => {
  it('streams sentences, then the voice clip', () => {
    let state = fold<SpeakRequest>([{ type: 'submitted', seq: 1, request: SPEAK }]);
    expect(state.status).toBe('running');
    expect(speechProgress(state)).toBe('preparing the voice…');
    state = fold(events(1, { event: 'started', jobId: 4, total: 3 }, sentence(4, 0)), state);
    expect(state.jobId).toBe(4);
    expect(speechProgress(state)).toBe('sentence 1 of 3');
    // Out of order and repeated: kept once each, in order.
    state = fold(events(1, sentence(4, 2), sentence(4, 1), sentence(4, 1)), state);
    expect(state.sentences.map((s) => s.index)).toEqual([0, 1, 2]);
    expect(speechProgress(state)).toBe('sentence 3 of 3');
    const voice = clip(9, { kind: 'voice', durationSeconds: 3.04 });
    state = fold(events(1, clipEvent(4, 0, voice), finished(4, 3, { state: 'completed' })), state);
    expect(state.status).toBe('completed');
    expect(state.clips).toEqual([{ index: 0, clip: voice }]);
    expect(describeSpeakJob(state)).toBe('Done: 3.0 s of speech, 3 sentences');
  });

  it('collects hits by index, in order, and keeps them when cancelled', () => {
    let state = fold<GenerateHitsRequest>([
      { type: 'submitted', seq: 1, request: HITS },
      ...events<GenerateHitsRequest>(1, { event: 'started', jobId: 2, total: 3 }, clipEvent(2, 1, clip(11)), clipEvent(2, 0, clip(10))),
    ]);
    expect(state.clips.map((c) => [c.index, c.clip.id])).toEqual([
      [0, 10],
      [1, 11],
    ]);
    expect(describeHitsJob(state)).toBe('Generating 3 kick hits…');
    // The same index again replaces the clip.
    state = fold(events(1, clipEvent(2, 1, clip(12))), state);
    expect(state.clips.map((c) => c.clip.id)).toEqual([10, 12]);
    state = fold([{ type: 'cancelRequested', seq: 1 }], state);
    expect(describeHitsJob(state)).toBe('Cancelling…');
    state = fold(events(1, finished(2, 2, { state: 'cancelled' })), state);
    expect(state.status).toBe('cancelled');
    expect(state.clips).toHaveLength(2);
    expect(describeHitsJob(state)).toBe('Cancelled after 2 of 3 hits.');
    // Nothing moves after the end.
    expect(fold(events(1, clipEvent(2, 2, clip(13))), state).clips).toHaveLength(2);
  });

  it('ignores an older job (latest wins) and a stale refusal', () => {
    const state = fold<GenerateHitsRequest>([
      { type: 'submitted', seq: 1, request: HITS },
      ...events<GenerateHitsRequest>(1, { event: 'started', jobId: 5, total: 3 }),
      { type: 'submitted', seq: 2, request: { ...HITS, kind: 'snare' } },
      ...events<GenerateHitsRequest>(2, { event: 'started', jobId: 6, total: 3 }, clipEvent(5, 0, clip(1)), clipEvent(6, 0, clip(2))),
      { type: 'event', seq: 1, event: clipEvent(6, 1, clip(3)) },
      { type: 'rejected', seq: 1, error: { code: 'INTERNAL', message: 'old' } },
    ]);
    expect(state.jobId).toBe(6);
    expect(state.status).toBe('running');
    expect(state.clips.map((c) => c.clip.id)).toEqual([2]);
  });

  it('fails when a completed job sent no clip, or with the engine error', () => {
    const empty = fold<GenerateHitsRequest>([{ type: 'submitted', seq: 1, request: HITS }, ...events<GenerateHitsRequest>(1, finished(3, 0, { state: 'completed' }))]);
    expect(empty.status).toBe('failed');
    expect(empty.error?.code).toBe('INTERNAL');
    const error = { code: 'TOOL_MISSING', message: 'espeak-ng was not found' } as const;
    const failed = fold<SpeakRequest>([{ type: 'submitted', seq: 1, request: SPEAK }, ...events<SpeakRequest>(1, finished(3, 0, { state: 'failed', error }))]);
    expect(describeSpeakJob(failed)).toBe('espeak-ng was not found');
    const refused = fold<SpeakRequest>([{ type: 'submitted', seq: 1, request: SPEAK }, { type: 'rejected', seq: 1, error }]);
    expect(refused.status).toBe('failed');
    expect(refused.error).toEqual(error);
  });

  it('describes beats and mixes', () => {
    const beat = fold<MakeBeatRequest>([
      { type: 'submitted', seq: 1, request: { preset: 'backbeat', lanes: [], bpm: 90, bars: 2, swing: 0, seed: 1 } },
      ...events<MakeBeatRequest>(1, clipEvent(1, 0, clip(1, { kind: 'beat', durationSeconds: 5.3333 })), finished(1, 1, { state: 'completed' })),
    ]);
    expect(describeBeatJob(beat)).toBe('Done: a 5.3 s loop (2 bars at 90 bpm)');
    const mix = fold<MixRequest>([
      { type: 'submitted', seq: 1, request: { bed: 1, voiceOffsetSeconds: 0, duckingDb: 10, bedGainDb: -12, fadeInSeconds: 0, fadeOutSeconds: 0 } },
    ]);
    expect(describeMixJob(mix)).toBe('Mixing…');
    expect(describeMixJob(fold(events<MixRequest>(1, finished(1, 0, { state: 'cancelled' })), mix))).toBe('Cancelled: no mix was made.');
  });
});

describe('formatting', () => {
  it('writes positions as m:ss.s', () => {
    expect(formatSeconds(0)).toBe('0:00.0');
    expect(formatSeconds(4.16)).toBe('0:04.2');
    expect(formatSeconds(59.96)).toBe('1:00.0');
    expect(formatSeconds(62)).toBe('1:02.0');
    expect(formatSeconds(-3)).toBe('0:00.0');
    expect(formatSeconds(Number.NaN)).toBe('0:00.0');
    expect(formatDuration(12.34)).toBe('12.3 s');
  });

  it('reads the loudness off a mix label', () => {
    expect(mixLoudness('Mix: -14.0 LUFS, -1.2 dBTP')).toBe('-14.0 LUFS, -1.2 dBTP');
    expect(mixLoudness('Something else')).toBe('Something else');
  });
});
