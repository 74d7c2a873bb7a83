/**
 * What the mix is made of: the voiceover (from the Voice tool's "Use as voiceover") and the bed
 * (from the Sound tool's "Use as bed"). Shared by both tools' panels.
 */
import type { AudioClip } from '../ipc';

export class MixChoice {
  voice: AudioClip | null = $state.raw(null);
  bed: AudioClip | null = $state.raw(null);
}
