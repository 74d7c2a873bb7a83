/**
 * The running face job: owns the request lifecycle (submit, cancel, "latest wins") and
 * exposes the reducer's state as reactive Svelte state.
 */
import { toIpcError, type GenerateFacesRequest, type JobId, type StudioIpc } from '../ipc';
import {
  initialFaceJobState,
  reduceFaceJob,
  type FaceJobAction,
  type FaceJobState,
} from './faceJobState';

export class FaceJob {
  state: FaceJobState = $state.raw(initialFaceJobState);

  readonly #ipc: Pick<StudioIpc, 'generateFaces' | 'cancelJob'>;
  #seq = 0;
  /** Job events not yet applied: folded in once per frame, so a fast job (hundreds of images a
   * second) costs one state update and one render per frame, and the UI keeps up with it. */
  #pending: FaceJobAction[] = [];
  #flushScheduled = false;

  constructor(ipc: Pick<StudioIpc, 'generateFaces' | 'cancelJob'>) {
    this.#ipc = ipc;
  }

  get running(): boolean {
    return this.state.status === 'running';
  }

  dispatch(action: FaceJobAction): void {
    // Queued events go first, so actions apply in the order they happened.
    this.#flush();
    this.state = reduceFaceJob(this.state, action);
  }

  #enqueue(action: FaceJobAction): void {
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
    this.state = actions.reduce(reduceFaceJob, this.state);
  }

  /**
   * Starts a new job. A job still running is cancelled and its events are ignored from
   * now on ("latest wins"). Resolves once the backend accepted or refused the request;
   * the outcome arrives later through events.
   */
  async start(request: GenerateFacesRequest): Promise<void> {
    const previous = this.running ? this.state.jobId : null;
    const seq = ++this.#seq;
    this.dispatch({ type: 'submitted', seq, total: request.count });
    if (previous !== null) this.#cancelQuietly(previous);

    let jobId: JobId;
    try {
      jobId = await this.#ipc.generateFaces(request, (event) => this.#enqueue({ type: 'event', seq, event }));
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

  /** Asks the backend to stop the current job; the `finished` event confirms it. */
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
