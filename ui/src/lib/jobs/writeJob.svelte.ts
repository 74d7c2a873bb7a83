/**
 * The running writing job: owns the request lifecycle (submit, cancel, "latest wins") and
 * exposes the reducer's state as reactive Svelte state. Token deltas are folded in once per
 * animation frame (a model writes tens of tokens a second per variant; one update per frame).
 */
import { toIpcError, type JobId, type StudioIpc, type WriteRequest } from '../ipc';
import {
  initialWriteJobState,
  reduceWriteJob,
  type WriteJobAction,
  type WriteJobState,
} from './writeJobState';

export type WriteIpc = Pick<StudioIpc, 'writeText' | 'cancelJob'>;

export class WriteJob {
  state: WriteJobState = $state.raw(initialWriteJobState);

  readonly #ipc: WriteIpc;
  #seq = 0;
  #pending: WriteJobAction[] = [];
  #flushScheduled = false;

  constructor(ipc: WriteIpc) {
    this.#ipc = ipc;
  }

  get running(): boolean {
    return this.state.status === 'running';
  }

  dispatch(action: WriteJobAction): void {
    // Queued events go first, so actions apply in the order they happened.
    this.#flush();
    this.state = reduceWriteJob(this.state, action);
  }

  #enqueue(action: WriteJobAction): void {
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
    this.state = actions.reduce(reduceWriteJob, this.state);
  }

  /**
   * Starts a new job. A job still running is cancelled and its events are ignored from now on
   * ("latest wins"). Resolves once the backend accepted or refused the request; the text
   * arrives later through events.
   */
  async start(request: WriteRequest): Promise<void> {
    const previous = this.running ? this.state.jobId : null;
    const seq = ++this.#seq;
    this.dispatch({ type: 'submitted', seq, request });
    if (previous !== null) this.#cancelQuietly(previous);

    let jobId: JobId;
    try {
      jobId = await this.#ipc.writeText(request, (event) => this.#enqueue({ type: 'event', seq, event }));
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
      await this.#ipc.cancelJob(jobId);
      // `false` means it had already ended: its `finished` event says how.
    } catch (e) {
      const error = toIpcError(e);
      if (error.code !== 'JOB_NOT_FOUND') this.dispatch({ type: 'cancelFailed', seq });
    }
  }

  #cancelQuietly(jobId: JobId): void {
    this.#ipc.cancelJob(jobId).catch(() => {
      // The old job may already be gone; its events are ignored either way.
    });
  }
}
