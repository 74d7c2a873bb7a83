/**
 * A text's count on a platform as the engine gives it (`count_text`), kept up to date as the text
 * changes without ever holding up typing: a change waits for a short quiet (or goes at once when
 * asked to), one request is in flight at a time and only the newest text is asked next ("latest
 * wins"), and the last answer stays shown until the next arrives.
 */
import { toIpcError, type IpcError, type StudioIpc, type TextCount } from '../ipc';

/** Quiet time after a keystroke before the count is asked for. */
export const COUNT_DELAY_MS = 150;

interface Ask {
  text: string;
  platform: string;
}

export class TextCounter {
  /** The engine's last answer (for {@link counted}); null before the first. */
  result: TextCount | null = $state.raw(null);
  /** The text and platform {@link result} is for. */
  counted: Ask | null = $state.raw(null);
  /** Whether a newer text than {@link counted} waits for its count (or is being counted). */
  pending = $state(false);
  /** Why the last request failed; null after an answer. */
  error: IpcError | null = $state.raw(null);

  readonly #ipc: Pick<StudioIpc, 'countText'>;
  readonly #delayMs: number;
  /** The newest text not yet sent. */
  #wanted: Ask | null = null;
  /** The text of the request in flight. */
  #inFlight: Ask | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #disposed = false;

  constructor(ipc: Pick<StudioIpc, 'countText'>, delayMs = COUNT_DELAY_MS) {
    this.#ipc = ipc;
    this.#delayMs = delayMs;
  }

  /**
   * Asks for the count of `text` on `platform`: after {@link COUNT_DELAY_MS} without a newer
   * request, or at once with `immediate` (a text that was not typed, e.g. the engine's caption).
   */
  request(text: string, platform: string, immediate = false): void {
    if (this.#disposed) return;
    const latest = this.#inFlight ?? this.counted;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (latest && latest.text === text && latest.platform === platform) {
      // Already counted, or being counted: nothing newer is wanted.
      this.#wanted = null;
      this.pending = this.#inFlight !== null;
      return;
    }
    this.#wanted = { text, platform };
    this.pending = true;
    if (immediate) this.#send();
    else this.#timer = setTimeout(() => this.#send(), this.#delayMs);
  }

  /** Stops asking; answers still on their way are dropped. */
  dispose(): void {
    this.#disposed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#wanted = null;
  }

  #send(): void {
    this.#timer = undefined;
    // One request at a time: the answer sends what is wanted by then.
    if (this.#inFlight || !this.#wanted || this.#disposed) return;
    const ask = this.#wanted;
    this.#wanted = null;
    this.#inFlight = ask;
    this.#ipc.countText(ask.text, ask.platform).then(
      (result) => this.#answered(ask, result, null),
      (e: unknown) => this.#answered(ask, null, toIpcError(e)),
    );
  }

  #answered(ask: Ask, result: TextCount | null, error: IpcError | null): void {
    this.#inFlight = null;
    if (this.#disposed) return;
    if (result) {
      this.result = result;
      this.counted = ask;
    }
    this.error = error;
    if (this.#wanted && this.#timer === undefined) this.#send();
    this.pending = this.#wanted !== null || this.#inFlight !== null;
  }
}
