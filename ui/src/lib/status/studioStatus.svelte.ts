/** The studio's loaded runtime and models, fetched from the app (reactive). */
import { insideTauri, toIpcError, type AppStatus, type StudioIpc } from '../ipc';
import { faceReadiness, textReadiness, type ModelReadiness, type StudioStatusState } from './readiness';

export class StudioStatus {
  state: StudioStatusState = $state.raw({ kind: 'loading' });
  readonly faces: ModelReadiness = $derived(faceReadiness(this.state));
  /** The Write tool's text model. */
  readonly text: ModelReadiness = $derived(textReadiness(this.state));

  readonly #ipc: Pick<StudioIpc, 'appStatus' | 'reloadEngine'>;
  readonly #inApp: () => boolean;
  #requests = 0;

  constructor(ipc: Pick<StudioIpc, 'appStatus' | 'reloadEngine'>, inApp: () => boolean = insideTauri) {
    this.#ipc = ipc;
    this.#inApp = inApp;
  }

  /** Asks the app again; the latest answer wins. */
  refresh(): Promise<void> {
    return this.#ask(() => this.#ipc.appStatus());
  }

  /** Makes the app retry what failed to load (after the set-up was fixed), then shows the result. */
  retry(): Promise<void> {
    return this.#ask(() => this.#ipc.reloadEngine());
  }

  async #ask(query: () => Promise<AppStatus>): Promise<void> {
    if (!this.#inApp()) {
      this.state = { kind: 'no-app' };
      return;
    }
    const request = ++this.#requests;
    if (this.state.kind !== 'loaded') this.state = { kind: 'loading' };
    let next: StudioStatusState;
    try {
      next = { kind: 'loaded', status: await query() };
    } catch (e) {
      next = { kind: 'failed', error: toIpcError(e) };
    }
    if (request === this.#requests) this.state = next;
  }
}
