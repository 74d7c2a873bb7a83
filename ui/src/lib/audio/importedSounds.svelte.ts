/**
 * Sound files the creator brought into the Sound tool (dropped on its drop zone or named by
 * path): each read by the engine (`import_audio`) as a clip to play, mix and add to the post.
 * The newest comes first; a file that cannot be read leaves `error` (in the engine's words) and
 * the clips already imported.
 */
import { toIpcError, type AudioClip, type IpcError, type StudioIpc } from '../ipc';

export type ImportAudioIpc = Pick<StudioIpc, 'importAudio'>;

/** How many imported clips the tool lists (older ones drop off the list). */
export const MAX_IMPORTED = 8;

export class ImportedSounds {
  /** The clips, newest first. */
  clips: AudioClip[] = $state.raw([]);
  /** The file being read, if any. */
  importing: string | null = $state(null);
  /** Why the last file could not be imported (cleared by the next import). */
  error: { path: string; error: IpcError } | null = $state.raw(null);

  readonly #ipc: ImportAudioIpc;

  constructor(ipc: ImportAudioIpc) {
    this.#ipc = ipc;
  }

  /** Reads `path`; resolves with its clip, or null when it failed (see `error`). */
  async import(path: string): Promise<AudioClip | null> {
    this.importing = path;
    this.error = null;
    try {
      const clip = await this.#ipc.importAudio(path);
      this.clips = [clip, ...this.clips.filter((c) => c.id !== clip.id)].slice(0, MAX_IMPORTED);
      return clip;
    } catch (e) {
      this.error = { path, error: toIpcError(e) };
      return null;
    } finally {
      if (this.importing === path) this.importing = null;
    }
  }

  dismissError(): void {
    this.error = null;
  }
}
