/**
 * "Latest wins" scheduling of preview frames, without the DOM: at most one fetch in flight; when
 * the wanted frame changes (revision, size, overlays, project) while one is in flight, exactly one
 * more fetch follows, for the newest state, once it ends; frames older than the one on screen are
 * never drawn. Frames obtained elsewhere (a gesture's live path, which applies edits and renders in
 * one request) are {@link PreviewScheduler.offer}ed: drawn when newer, and never fetched again.
 */

/** A frame to show. `key` names the project (revisions count per project). */
export interface PreviewTarget {
  key: string;
  revision: number;
  width: number;
  height: number;
  overlays: boolean;
}

export function sameTarget(a: PreviewTarget | null, b: PreviewTarget | null): boolean {
  if (a === null || b === null) return a === b;
  return (
    a.key === b.key &&
    a.revision === b.revision &&
    a.width === b.width &&
    a.height === b.height &&
    a.overlays === b.overlays
  );
}

export interface SchedulerHooks<F> {
  /** Fetches the frame for `target`. */
  fetch: (target: PreviewTarget) => Promise<F>;
  /** Draws a fetched frame (only called for frames that are not stale). */
  draw: (frame: F, target: PreviewTarget) => void;
  /** A fetch failed; the scheduler tries again when the wanted frame changes. */
  fail?: (error: unknown, target: PreviewTarget) => void;
  /**
   * The revision a frame really shows, when it can be newer than the one asked for (the engine
   * renders its current post). Stale checks and `drawn` use it.
   */
  revisionOf?: (frame: F) => number;
}

export class PreviewScheduler<F> {
  readonly #hooks: SchedulerHooks<F>;
  #wanted: PreviewTarget | null = null;
  #inFlight: PreviewTarget | null = null;
  /** The last frame fetched (drawn or refused as stale, or failed): not fetched again. */
  #settled: PreviewTarget | null = null;
  #drawn: PreviewTarget | null = null;
  #disposed = false;
  #fetches = 0;

  constructor(hooks: SchedulerHooks<F>) {
    this.#hooks = hooks;
  }

  /** The frame on screen. */
  get drawn(): PreviewTarget | null {
    return this.#drawn;
  }

  /** Whether a fetch is running. */
  get busy(): boolean {
    return this.#inFlight !== null;
  }

  /** How many fetches were started (for tests and stats). */
  get fetchCount(): number {
    return this.#fetches;
  }

  /** Asks for the frame `target`; fetched now, or after the fetch in flight. */
  want(target: PreviewTarget): void {
    this.#wanted = { ...target };
    this.#pump();
  }

  /**
   * A frame obtained elsewhere (a gesture's live path: edits and preview in one request). Drawn at
   * once when nothing of project `target.key` is on screen or its revision is newer than the one
   * drawn; it then counts as drawn, so a wanted frame of that revision, size and overlays is not
   * fetched, and a fetch in flight for an older revision is not drawn over it. Returns whether it
   * was drawn.
   */
  offer(frame: F, target: PreviewTarget): boolean {
    if (this.#disposed) return false;
    const drawn = this.#drawn;
    if (drawn !== null && drawn.key === target.key && target.revision <= drawn.revision) return false;
    const shown = { ...target };
    this.#drawn = shown;
    this.#hooks.draw(frame, shown);
    this.#pump();
    return true;
  }

  /** Stops: nothing more is fetched or drawn. */
  dispose(): void {
    this.#disposed = true;
  }

  /** Whether a frame for `target` may replace the one on screen. */
  #isStale(target: PreviewTarget): boolean {
    const drawn = this.#drawn;
    return drawn !== null && drawn.key === target.key && target.revision < drawn.revision;
  }

  #pump(): void {
    if (this.#disposed || this.#inFlight !== null) return;
    const wanted = this.#wanted;
    if (wanted === null || sameTarget(wanted, this.#settled) || sameTarget(wanted, this.#drawn)) return;
    if (this.#isStale(wanted)) return; // asked for an older revision than the one on screen
    this.#inFlight = wanted;
    this.#fetches++;
    let fetching: Promise<F>;
    try {
      fetching = this.#hooks.fetch(wanted);
    } catch (e) {
      fetching = Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
    fetching.then(
      (frame) => this.#done(wanted, frame, null),
      (error: unknown) => this.#done(wanted, null, { error }),
    );
  }

  #done(target: PreviewTarget, frame: F | null, failure: { error: unknown } | null): void {
    this.#inFlight = null;
    this.#settled = target;
    if (this.#disposed) return;
    if (failure) {
      this.#hooks.fail?.(failure.error, target);
    } else {
      const shown = { ...target, revision: this.#hooks.revisionOf?.(frame as F) ?? target.revision };
      if (!this.#isStale(shown)) {
        this.#drawn = shown;
        this.#hooks.draw(frame as F, shown);
      }
    }
    this.#pump();
  }
}
