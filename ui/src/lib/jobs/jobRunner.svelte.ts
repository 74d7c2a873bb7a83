/**
 * A running backend job (faces, writing): owns the request lifecycle (submit, cancel, "latest
 * wins") and exposes the job's reducer state as reactive Svelte state. Each job supplies its
 * reducer, its `submitted` action and the command that starts it (events come through a Channel).
 */
import { toIpcError, type JobEvent, type JobId } from '../ipc';
import type { JobLifecycleAction, JobLifecycleState } from './jobState';

/** What makes one kind of job: `A` are its actions (its `submitted` and the lifecycle ones). */
export interface JobKind<S extends JobLifecycleState, A, R> {
  initial: S;
  reduce: (state: S, action: A | JobLifecycleAction) => S;
  /** The action that resets the state for a new request. */
  submitted: (seq: number, request: R) => A;
  /** Starts the job; resolves with its id once the backend accepted it, rejects when refused. */
  start: (request: R, onEvent: (event: JobEvent) => void) => Promise<JobId>;
  /** Asks the backend to stop a job (`false`: it had already ended). */
  cancel: (jobId: JobId) => Promise<boolean>;
}

export class JobRunner<S extends JobLifecycleState, A, R> {
  state: S;

  readonly #kind: JobKind<S, A, R>;
  #seq = 0;
  /** Job events not yet applied: folded in once per frame, so a fast job (hundreds of images or
   * tokens a second) costs one state update and one render per frame, and the UI keeps up. */
  #pending: (A | JobLifecycleAction)[] = [];
  #flushScheduled = false;

  constructor(kind: JobKind<S, A, R>) {
    this.state = $state.raw(kind.initial);
    this.#kind = kind;
  }

  get running(): boolean {
    return this.state.status === 'running';
  }

  dispatch(action: A | JobLifecycleAction): void {
    // Queued events go first, so actions apply in the order they happened.
    this.#flush();
    this.state = this.#kind.reduce(this.state, action);
  }

  #enqueue(action: JobLifecycleAction): void {
    this.#pending.push(action);
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    const flush = () => this.#flush();
    if (typeof requestAnimationFrame === 'function') requestAnimationFrame(flush);
    else setTimeout(flush, 16);
  }

  #flush(): void {
    this.#flushScheduled = false;
    if (this.#pending.length === 0) return;
    const actions = this.#pending;
    this.#pending = [];
    this.state = actions.reduce(this.#kind.reduce, this.state);
  }

  /**
   * Starts a new job. A job still running is cancelled and its events are ignored from now on
   * ("latest wins"). Resolves once the backend accepted or refused the request; the outcome
   * arrives later through events.
   */
  async start(request: R): Promise<void> {
    const previous = this.running ? this.state.jobId : null;
    const seq = ++this.#seq;
    this.dispatch(this.#kind.submitted(seq, request));
    if (previous !== null) this.#cancelQuietly(previous);

    let jobId: JobId;
    try {
      jobId = await this.#kind.start(request, (event) => this.#enqueue({ type: 'event', seq, event }));
    } catch (e) {
      this.dispatch({ type: 'rejected', seq, error: toIpcError(e) });
      return;
    }
    if (seq !== this.#seq) {
      // Superseded while the request was in flight.
      this.#cancelQuietly(jobId);
      return;
    }
    this.dispatch({ type: 'accepted', seq, jobId });
    if (this.state.cancelRequested && this.running) await this.#cancel(seq, jobId);
  }

  /** Asks the backend to stop the current job; its `finished` event confirms it. */
  async cancel(): Promise<void> {
    if (!this.running || this.state.cancelRequested) return;
    const seq = this.#seq;
    this.dispatch({ type: 'cancelRequested', seq });
    // Without an id yet, `start` sends the cancel as soon as the id is known.
    if (this.state.jobId !== null) await this.#cancel(seq, this.state.jobId);
  }

  async #cancel(seq: number, jobId: JobId): Promise<void> {
    try {
      await this.#kind.cancel(jobId);
      // `false` means it had already ended: its `finished` event says how.
    } catch (e) {
      const error = toIpcError(e);
      if (error.code !== 'JOB_NOT_FOUND') this.dispatch({ type: 'cancelFailed', seq });
    }
  }

  #cancelQuietly(jobId: JobId): void {
    this.#kind.cancel(jobId).catch(() => {
      // The old job may already be gone; its events are ignored either way.
    });
  }
}
