/**
 * The sound jobs as the Voice and Sound tools see them (speak, hits, beat, mix): a pure reducer
 * over {@link JobEvent}s and the request lifecycle ({@link reduceJobLifecycle}: "latest wins"),
 * and the state lines.
 *
 * Every sound job ends with its results as `audioClip` events (one voice, beat or mix; one per
 * hit); a speech job first says each sentence as it is synthesized (`speechSentence`).
 */
import type { AudioClip, GenerateHitsRequest, JobEvent, MakeBeatRequest, MixRequest, SpeakRequest } from '../ipc';
import { currentJobOf, finishedWith, plural, reduceJobLifecycle, type JobLifecycleAction, type JobLifecycleState } from './jobState';

/** A sentence the voice has spoken (its place in the speech). */
export interface SpokenSentence {
  index: number;
  startSeconds: number;
  durationSeconds: number;
}

export interface AudioJobState<R> extends JobLifecycleState {
  /** The request of the current job (null before the first). */
  request: R | null;
  /** Items done and in all (sentences, hits); `total` is 0 until the job says. */
  done: number;
  total: number;
  /** Speech: the sentences spoken so far, in order, and how many the text has (0 until known). */
  sentences: readonly SpokenSentence[];
  sentenceCount: number;
  /** The clips made, in the order of their index within the job. */
  clips: readonly JobClip[];
}

/** A clip a job made, with its index within the job. */
export interface JobClip {
  index: number;
  clip: AudioClip;
}

export type AudioJobAction<R> = { type: 'submitted'; seq: number; request: R } | JobLifecycleAction;

export function initialAudioJobState<R>(): AudioJobState<R> {
  return {
    seq: 0,
    jobId: null,
    status: 'idle',
    request: null,
    done: 0,
    total: 0,
    sentences: [],
    sentenceCount: 0,
    clips: [],
    error: null,
    cancelRequested: false,
  };
}

/** `clips` with `clip` at item `index` (replacing one already there), in index order. */
function withClip(clips: readonly JobClip[], index: number, clip: AudioClip): readonly JobClip[] {
  return [...clips.filter((c) => c.index !== index), { index, clip }].sort((a, b) => a.index - b.index);
}

function reduceEvent<R>(state: AudioJobState<R>, event: JobEvent): AudioJobState<R> {
  const adopted = currentJobOf(state, event);
  if (adopted === null) return state;
  const running = adopted.status === 'running';

  switch (event.event) {
    case 'started':
      return running ? { ...adopted, total: event.total } : adopted;
    case 'progress':
      if (!running) return adopted;
      return { ...adopted, done: Math.max(adopted.done, event.done), total: event.total };
    case 'speechSentence': {
      if (!running || adopted.sentences.some((s) => s.index === event.index)) return adopted;
      const sentence = { index: event.index, startSeconds: event.startSeconds, durationSeconds: event.durationSeconds };
      const sentences = [...adopted.sentences, sentence].sort((a, b) => a.index - b.index);
      return { ...adopted, sentences, sentenceCount: Math.max(event.count, sentences.length) };
    }
    case 'audioClip':
      if (!running) return adopted;
      return { ...adopted, clips: withClip(adopted.clips, event.index, event.clip) };
    case 'finished':
      // A cancelled job's clips stay usable (the engine keeps them); a speech makes its clip last.
      if (!running) return adopted;
      return finishedWith(
        { ...adopted, done: Math.max(adopted.done, event.done) },
        event.outcome,
        adopted.clips.length === 0 ? 'The sound job ended without sending its sound.' : null,
      );
    default:
      // Image, restyle and writing events are not a sound job's.
      return adopted;
  }
}

export function reduceAudioJob<R>(state: AudioJobState<R>, action: AudioJobAction<R>): AudioJobState<R> {
  if (action.type === 'submitted') {
    return { ...initialAudioJobState<R>(), seq: action.seq, status: 'running', request: action.request };
  }
  return reduceJobLifecycle(state, action, reduceEvent);
}

/** "0:04.2", "1:02.0": minutes, seconds with tenths (what the transport and the clips show). */
export function formatSeconds(seconds: number): string {
  const tenths = Math.max(0, Math.round((Number.isFinite(seconds) ? seconds : 0) * 10));
  const minutes = Math.floor(tenths / 600);
  const rest = (tenths % 600) / 10;
  return `${minutes}:${rest.toFixed(1).padStart(4, '0')}`;
}

/** "12.3 s": a length in words. */
export function formatDuration(seconds: number): string {
  return `${(Number.isFinite(seconds) ? seconds : 0).toFixed(1)} s`;
}

export type SpeakJobState = AudioJobState<SpeakRequest>;
export type HitsJobState = AudioJobState<GenerateHitsRequest>;
export type BeatJobState = AudioJobState<MakeBeatRequest>;
export type MixJobState = AudioJobState<MixRequest>;

/** The progress line of a speech: "sentence 2 of 5"; "preparing the voice…" before the first. */
export function speechProgress(state: Pick<SpeakJobState, 'sentences' | 'sentenceCount' | 'total'>): string {
  const count = state.sentenceCount || state.total;
  if (state.sentences.length === 0) return count > 0 ? `sentence 0 of ${count}` : 'preparing the voice…';
  return `sentence ${state.sentences.length} of ${Math.max(count, state.sentences.length)}`;
}

/** The state line of the Voice tool (empty while idle). */
export function describeSpeakJob(state: SpeakJobState): string {
  switch (state.status) {
    case 'idle':
      return '';
    case 'running':
      if (state.cancelRequested) return 'Cancelling…';
      return state.request?.play ? 'Speaking (it plays as each sentence is ready)…' : 'Speaking…';
    case 'completed': {
      const clip = state.clips[0]?.clip;
      const sentences = plural(state.sentenceCount || state.sentences.length, 'sentence', 'sentences');
      return clip ? `Done: ${formatDuration(clip.durationSeconds)} of speech, ${sentences}` : 'Done';
    }
    case 'cancelled':
      return 'Cancelled: no voiceover was made.';
    case 'failed':
      return state.error?.message ?? 'The voice failed.';
  }
}

/** The state line of the hits (empty while idle). */
export function describeHitsJob(state: HitsJobState): string {
  const kind = state.request?.kind ?? 'drum';
  switch (state.status) {
    case 'idle':
      return '';
    case 'running':
      if (state.cancelRequested) return 'Cancelling…';
      return `Generating ${plural(state.request?.count ?? 1, `${kind} hit`, `${kind} hits`)}…`;
    case 'completed':
      return `Done: ${plural(state.clips.length, `${kind} hit`, `${kind} hits`)}`;
    case 'cancelled':
      return `Cancelled after ${state.clips.length} of ${state.total || (state.request?.count ?? 0)} hits.`;
    case 'failed':
      return state.error?.message ?? 'The hits failed.';
  }
}

/** The state line of the beat (empty while idle). */
export function describeBeatJob(state: BeatJobState): string {
  switch (state.status) {
    case 'idle':
      return '';
    case 'running':
      return state.cancelRequested ? 'Cancelling…' : 'Making the beat…';
    case 'completed': {
      const clip = state.clips[0]?.clip;
      const request = state.request;
      const what = request ? ` (${plural(request.bars, 'bar', 'bars')} at ${request.bpm} bpm)` : '';
      return clip ? `Done: a ${formatDuration(clip.durationSeconds)} loop${what}` : 'Done';
    }
    case 'cancelled':
      return 'Cancelled: no beat was made.';
    case 'failed':
      return state.error?.message ?? 'The beat failed.';
  }
}

/** The state line of the mix (empty while idle). */
export function describeMixJob(state: MixJobState): string {
  switch (state.status) {
    case 'idle':
      return '';
    case 'running':
      return state.cancelRequested ? 'Cancelling…' : 'Mixing…';
    case 'completed': {
      const clip = state.clips[0]?.clip;
      return clip ? `Done: ${formatDuration(clip.durationSeconds)} mix` : 'Done';
    }
    case 'cancelled':
      return 'Cancelled: no mix was made.';
    case 'failed':
      return state.error?.message ?? 'The mix failed.';
  }
}

/**
 * The loudness part of a mix's label ("Mix: -14.0 LUFS, -1.0 dBTP" → "-14.0 LUFS, -1.0 dBTP");
 * the whole label when it has no such part.
 */
export function mixLoudness(label: string): string {
  const match = /(-?\d+(?:\.\d+)?\s*LUFS.*)$/u.exec(label);
  return match?.[1]?.trim() ?? label;
}
