/**
 * The writing job as the Write panel sees it: a pure reducer that folds {@link JobEvent}s and the
 * local request lifecycle into view state, and the cards derived from it.
 *
 * A writing job streams the model's raw text token by token (`textDelta`, per variant), then
 * sends the cleaned, fitted and ranked variants once (`written`, best first), then `finished`.
 * The request lifecycle and "latest wins" are {@link reduceJobLifecycle}'s.
 */
import type { JobEvent, WriteRequest, WriteResult, WriteTool, WriteVariant } from '../ipc';
import {
  currentJobOf,
  finishedWith,
  plural,
  reduceJobLifecycle,
  type JobLifecycleAction,
  type JobLifecycleState,
} from './jobState';

/** Variant streams kept at most (the engine allows 6 variants; anything beyond is not ours). */
export const MAX_STREAMS = 16;

export interface WriteJobState extends JobLifecycleState {
  /** The request as sent (tool, platform, variants): what the cards are about. */
  request: WriteRequest | null;
  /** The raw text streamed so far, by variant index. */
  streams: readonly string[];
  /** The cleaned, ranked variants, once `written` arrived. */
  result: WriteResult | null;
}

export type WriteJobAction = { type: 'submitted'; seq: number; request: WriteRequest } | JobLifecycleAction;

export const initialWriteJobState: Readonly<WriteJobState> = Object.freeze({
  seq: 0,
  jobId: null,
  status: 'idle',
  request: null,
  streams: [],
  result: null,
  error: null,
  cancelRequested: false,
});

function appendDelta(streams: readonly string[], variant: number, text: string): readonly string[] {
  if (!Number.isInteger(variant) || variant < 0 || variant >= MAX_STREAMS || text === '') return streams;
  const next = streams.slice();
  for (let i = next.length; i < variant; i++) next[i] = '';
  next[variant] = (next[variant] ?? '') + text;
  return next;
}

function reduceEvent(state: WriteJobState, event: JobEvent): WriteJobState {
  const adopted = currentJobOf(state, event);
  if (adopted === null) return state;
  const running = adopted.status === 'running';

  switch (event.event) {
    case 'textDelta':
      // After `written` the cards show the cleaned text; late raw text changes nothing.
      if (!running || adopted.result !== null) return adopted;
      return { ...adopted, streams: appendDelta(adopted.streams, event.variant, event.text) };
    case 'written':
      return running ? { ...adopted, result: event.result } : adopted;
    case 'finished':
      if (!running) return adopted;
      return finishedWith(adopted, event.outcome, adopted.result === null ? 'The writing job ended without sending its result.' : null);
    default:
      // `started` and `progress` say nothing the cards show; `image` is not a writing event.
      return adopted;
  }
}

export function reduceWriteJob(state: WriteJobState, action: WriteJobAction): WriteJobState {
  if (action.type === 'submitted') {
    return {
      ...initialWriteJobState,
      seq: action.seq,
      status: 'running',
      request: action.request,
      streams: [],
    };
  }
  return reduceJobLifecycle(state, action, reduceEvent);
}

/** One card of the panel: a variant still streaming, or a written (ranked) one. */
export interface WriteCard {
  /** The engine's variant index (its stream). */
  variant: number;
  /** Place in the ranking, 0 = best; null while streaming. */
  rank: number | null;
  /** Streaming: the raw text so far. Written: the cleaned text. */
  text: string;
  /** The text is still growing. */
  streaming: boolean;
  /** The written variant (null while streaming or when the job stopped before `written`). */
  final: WriteVariant | null;
}

/**
 * The cards to show: once written, the variants best first; before, one card per requested
 * variant (in variant order) with its streamed text.
 */
export function writeCards(state: WriteJobState): WriteCard[] {
  if (state.result) {
    return state.result.variants.map((final, rank) => ({
      variant: final.variant,
      rank,
      text: final.text,
      streaming: false,
      final,
    }));
  }
  if (state.status === 'idle') return [];
  const requested = state.request?.variants ?? 0;
  const count = Math.min(MAX_STREAMS, Math.max(requested, state.streams.length));
  const streaming = state.status === 'running';
  return Array.from({ length: count }, (_, variant) => ({
    variant,
    rank: null,
    text: state.streams[variant] ?? '',
    streaming,
    final: null,
  }));
}

const TOOL_NOUNS: Record<WriteTool, [string, string]> = {
  caption: ['caption', 'captions'],
  hashtags: ['set of hashtags', 'sets of hashtags'],
  draft: ['draft', 'drafts'],
  rewrite: ['rewrite', 'rewrites'],
  'alt-text': ['alt text', 'alt texts'],
};

/** The text of the state line under Generate (empty while idle). */
export function describeWriteJob(state: WriteJobState): string {
  const tool = state.result?.tool ?? state.request?.tool ?? 'caption';
  const [one, many] = TOOL_NOUNS[tool];
  switch (state.status) {
    case 'idle':
      return '';
    case 'running':
      if (state.cancelRequested) return 'Cancelling…';
      if (state.result) return 'Finishing…';
      return `Writing ${plural(state.request?.variants ?? 1, one, many)}…`;
    case 'completed': {
      const n = state.result?.variants.length ?? 0;
      return n > 1 ? `Done: ${plural(n, one, many)}, best first` : `Done: ${plural(n, one, many)}`;
    }
    case 'cancelled':
      return 'Cancelled: nothing was written';
    case 'failed':
      return state.error?.message ?? 'Writing failed.';
  }
}

/** The count against the limit as shown on a card: "142 / 280". */
export function formatCount(variant: Pick<WriteVariant, 'count' | 'limit'>): string {
  const n = (v: number) => v.toLocaleString('en-US');
  return `${n(variant.count)} / ${n(variant.limit)}`;
}

/**
 * The caption with `hashtags` added: those it does not carry yet (case-insensitive), after the
 * hashtags of its last line, else after a blank line; alone when the caption is empty.
 */
export function appendHashtags(caption: string, hashtags: readonly string[]): string {
  const present = new Set((caption.match(/#[\p{L}\p{N}_]+/gu) ?? []).map((t) => t.toLowerCase()));
  const added: string[] = [];
  for (const raw of hashtags) {
    const tag = raw.trim();
    if (tag === '') continue;
    const key = tag.toLowerCase();
    if (present.has(key)) continue;
    present.add(key);
    added.push(tag);
  }
  if (added.length === 0) return caption;
  const trimmed = caption.replace(/\s+$/u, '');
  if (trimmed === '') return added.join(' ');
  const lastLine = trimmed.slice(trimmed.lastIndexOf('\n') + 1);
  const onlyTags = /^(?:#[\p{L}\p{N}_]+\s*)+$/u.test(lastLine);
  return `${trimmed}${onlyTags ? ' ' : '\n\n'}${added.join(' ')}`;
}
