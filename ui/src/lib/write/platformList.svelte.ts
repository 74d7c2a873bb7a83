/** The engine's platforms (`platforms_list`), asked for once and kept (reactive). */
import { insideTauri, toIpcError, type IpcError, type PlatformInfo, type StudioIpc } from '../ipc';

export class PlatformList {
  /** The platforms, in the engine's order; empty until the engine answered. */
  list: readonly PlatformInfo[] = $state.raw([]);
  /** Why the last request failed; null once the list is in. */
  error: IpcError | null = $state.raw(null);

  readonly #ipc: Pick<StudioIpc, 'platformsList'>;
  readonly #inApp: () => boolean;
  #loaded = false;
  #loading: Promise<void> | null = null;

  constructor(ipc: Pick<StudioIpc, 'platformsList'>, inApp: () => boolean = insideTauri) {
    this.#ipc = ipc;
    this.#inApp = inApp;
  }

  /**
   * Asks the engine for the list unless it is already here or on its way: the first call asks,
   * later ones only after a failure (outside the app, nothing is asked).
   */
  load(): Promise<void> {
    if (this.#loaded || !this.#inApp()) return Promise.resolve();
    this.#loading ??= this.#ipc
      .platformsList()
      .then(
        (list) => {
          this.#loaded = true;
          this.list = list;
          this.error = null;
        },
        (e: unknown) => {
          this.error = toIpcError(e);
        },
      )
      .finally(() => {
        this.#loading = null;
      });
    return this.#loading;
  }
}
