/**
 * Edit-to-pixels latency: from the input event that caused an edit to the moment a preview frame
 * of a revision at least the edit's is drawn. The last {@link MAX_SAMPLES} samples (milliseconds)
 * are kept here and exposed as `window.__postcraftPreviewStats = { samples }` for the end-to-end
 * benchmark (it reads p50/p95 from it).
 *
 * When pointer moves are coalesced into one request, the time of the earliest input not yet sent
 * is used (the longest any of them waited for pixels).
 */

export const MAX_SAMPLES = 500;
/** Edits waiting for their frame; older ones are dropped (e.g. while the preview cannot draw). */
const MAX_PENDING = 200;

export interface PreviewStats {
  samples: number[];
}

interface Pending {
  key: string;
  revision: number;
  inputTime: number;
}

export class LatencyRecorder {
  readonly stats: PreviewStats = { samples: [] };
  readonly #now: () => number;
  #pending: Pending[] = [];
  /** The revision drawn last, per project key. */
  #drawn = new Map<string, number>();

  constructor(now: () => number = () => performance.now()) {
    this.#now = now;
  }

  /**
   * An edit made by input at `inputTime` (same clock as `now`) produced `revision` of project
   * `key`. Nothing is recorded when that revision is already on screen (the edit changed no
   * pixels).
   */
  edited(key: string, revision: number, inputTime: number): void {
    if (!Number.isFinite(inputTime)) return;
    const drawn = this.#drawn.get(key);
    if (drawn !== undefined && drawn >= revision) return;
    this.#pending.push({ key, revision, inputTime });
    if (this.#pending.length > MAX_PENDING) this.#pending.splice(0, this.#pending.length - MAX_PENDING);
  }

  /** A frame of `revision` of project `key` was just drawn. */
  drawn(key: string, revision: number): void {
    this.#drawn.set(key, Math.max(revision, this.#drawn.get(key) ?? -Infinity));
    const now = this.#now();
    const waiting: Pending[] = [];
    for (const p of this.#pending) {
      if (p.key !== key) continue; // another project: never drawn now
      if (p.revision <= revision) this.#record(now - p.inputTime);
      else waiting.push(p);
    }
    this.#pending = waiting;
  }

  #record(ms: number): void {
    const samples = this.stats.samples;
    samples.push(Math.max(0, ms));
    if (samples.length > MAX_SAMPLES) samples.splice(0, samples.length - MAX_SAMPLES);
  }

  /** Forgets samples and waiting edits. */
  clear(): void {
    this.stats.samples.length = 0;
    this.#pending = [];
    this.#drawn.clear();
  }
}

/** The nearest-rank percentile `p` (0..100) of `values`, or null when there are none. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

/** The app's recorder, shared by the project store (edits) and the preview (frames). */
export const previewLatency = new LatencyRecorder();

declare global {
  interface Window {
    __postcraftPreviewStats?: PreviewStats;
  }
}

if (typeof window !== 'undefined') {
  window.__postcraftPreviewStats = previewLatency.stats;
}

/**
 * The time of an input event on the `performance.now()` clock: `timeStamp` when it is on that
 * clock (all current engines), otherwise now.
 */
export function inputTime(event?: { timeStamp: number } | null): number {
  const now = performance.now();
  const t = event?.timeStamp;
  return typeof t === 'number' && t > 0 && t <= now + 1 ? t : now;
}
