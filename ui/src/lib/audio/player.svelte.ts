/**
 * The studio's one player, as the UI sees it: subscribes once to the engine's reports (about 30 a
 * second while playing, and on every change), keeps the latest, and sends play, pause, seek, loop
 * and volume. The engine owns the sound; this store only mirrors it.
 *
 * Without a sound output device the engine refuses to subscribe (`AUDIO_DEVICE_UNAVAILABLE`):
 * playback is off then, and everything else (speaking, generating, mixing) still works.
 */
import { insideTauri, toIpcError, type IpcError, type PlayerAction, type PlayerReport, type StudioIpc } from '../ipc';

export type PlayerIpc = Pick<StudioIpc, 'playerSubscribe' | 'playerPlayClip' | 'playerControl'>;

/** What the creator reads when there is no sound card. */
export const NO_DEVICE_MESSAGE =
  'No sound output device: playback is off. Everything else works — you can still make and export sound.';

/** The most the volume goes (linear; 1 is the sound as made). */
export const MAX_VOLUME = 2;

/**
 * Whether the player can be used: not asked yet, asking, ready, no sound card, another failure
 * (asked again on the next `connect`), or no app to ask (a plain browser).
 */
export type PlayerAvailability = 'unknown' | 'connecting' | 'ready' | 'no-device' | 'failed' | 'no-app';

export class AudioPlayer {
  /** The engine's latest report (null until subscribed). */
  report: PlayerReport | null = $state.raw(null);
  availability: PlayerAvailability = $state('unknown');
  /** Why the last subscribe or command failed (other than no sound card); null when fine. */
  problem: IpcError | null = $state.raw(null);

  readonly #ipc: PlayerIpc;
  readonly #inApp: () => boolean;
  #connecting: Promise<void> | null = null;

  constructor(ipc: PlayerIpc, inApp: () => boolean = insideTauri) {
    this.#ipc = ipc;
    this.#inApp = inApp;
  }

  /** Whether the transport and the play buttons work. */
  get usable(): boolean {
    return this.availability === 'ready';
  }

  /** The message to show instead of the transport, if any. */
  get notice(): string | null {
    switch (this.availability) {
      case 'no-device':
        return NO_DEVICE_MESSAGE;
      case 'failed':
        return `Playback is off: ${this.problem?.message ?? 'the player could not start'}. Everything else works.`;
      case 'no-app':
        return 'Playback works in the Postcraft Studio app.';
      default:
        if (this.report?.error) return `Playback stopped: ${this.report.error}`;
        return this.problem ? `Could not play: ${this.problem.message}` : null;
    }
  }

  /** The clip loaded in the player (null: none, or speech still being made). */
  get clip(): number | null {
    return this.report?.clip ?? null;
  }

  /** Whether the player is playing (or waiting for sound to play). */
  get playing(): boolean {
    const status = this.report?.status;
    return status === 'playing' || status === 'buffering';
  }

  /** Whether clip `id` is the one loaded and playing. */
  isPlaying(id: number): boolean {
    return this.clip === id && this.playing;
  }

  /** Where the player is in clip `id`, in seconds; null when another sound (or none) is loaded. */
  positionOf(id: number): number | null {
    const report = this.report;
    if (!report || report.clip !== id || report.status === 'idle') return null;
    return report.positionSeconds;
  }

  /** Subscribes to the reports, once (again after a failure other than no sound card). */
  connect(): Promise<void> {
    if (this.availability === 'ready' || this.availability === 'no-device' || this.availability === 'no-app') {
      return Promise.resolve();
    }
    if (this.#connecting) return this.#connecting;
    if (!this.#inApp()) {
      this.availability = 'no-app';
      return Promise.resolve();
    }
    this.availability = 'connecting';
    let reported = false;
    const connecting = this.#ipc
      .playerSubscribe((report) => {
        reported = true;
        this.report = report;
      })
      .then(
        (report) => {
          // Reports may come through the channel before the answer: the newest wins.
          if (!reported) this.report = report;
          this.availability = 'ready';
          this.problem = null;
        },
        (e: unknown) => {
          const error = toIpcError(e);
          if (error.code === 'AUDIO_DEVICE_UNAVAILABLE') {
            this.availability = 'no-device';
            this.problem = null;
          } else {
            this.availability = 'failed';
            this.problem = error;
          }
        },
      )
      .finally(() => {
        this.#connecting = null;
      });
    this.#connecting = connecting;
    return connecting;
  }

  /** Plays clip `id` from its start. */
  play(id: number): Promise<void> {
    return this.#send(() => this.#ipc.playerPlayClip(id));
  }

  /** Clip `id`'s play button: pause it while it plays, go on where it paused, else play it. */
  toggle(id: number): Promise<void> {
    if (this.clip === id) {
      if (this.playing) return this.pause();
      if (this.report?.status === 'paused') return this.resume();
    }
    return this.play(id);
  }

  pause(): Promise<void> {
    return this.control({ action: 'pause' });
  }

  /** Goes on playing what is loaded. */
  resume(): Promise<void> {
    return this.control({ action: 'play' });
  }

  stop(): Promise<void> {
    return this.control({ action: 'stop' });
  }

  seek(seconds: number): Promise<void> {
    return this.control({ action: 'seek', seconds: Math.max(0, seconds) });
  }

  /** Seeks in clip `id`, playing it first when another sound is loaded. */
  async seekIn(id: number, seconds: number): Promise<void> {
    if (this.clip !== id) await this.play(id);
    if (this.usable) await this.seek(seconds);
  }

  setLoop(looping: boolean): Promise<void> {
    return this.control({ action: 'loop', looping });
  }

  setVolume(volume: number): Promise<void> {
    return this.control({ action: 'volume', volume: Math.min(MAX_VOLUME, Math.max(0, volume)) });
  }

  control(action: PlayerAction): Promise<void> {
    return this.#send(() => this.#ipc.playerControl(action));
  }

  async #send(command: () => Promise<void>): Promise<void> {
    if (!this.usable) return;
    try {
      await command();
      this.problem = null;
    } catch (e) {
      const error = toIpcError(e);
      if (error.code === 'AUDIO_DEVICE_UNAVAILABLE') this.availability = 'no-device';
      else this.problem = error;
    }
  }
}
