/**
 * The post's own sound (`post.audio`): its voiceover and bed (clips saved into the project) and
 * how they mix. Pure helpers for the Sound tool's "Post sound" section and the export menu;
 * changes go to the engine as one `set-audio` edit carrying the whole new sound.
 */
import type { AudioRole, ExportFormat, IpcError, PostAudio, PostMix } from '../ipc';
import { fileName } from '../editor/dropRouting';

/** The engine's mix when the post has none yet (crates/core `PostMix::default`). */
export const DEFAULT_POST_MIX: Readonly<PostMix> = {
  voiceOffsetSeconds: 0.5,
  duckingDb: 10,
  bedGainDb: -12,
  fadeInSeconds: 0.5,
  fadeOutSeconds: 1.5,
};

/** What the engine accepts for each mix setting (crates/core `check_audio`). */
export const POST_MIX_LIMITS: Readonly<Record<keyof PostMix, readonly [number, number]>> = {
  voiceOffsetSeconds: [0, 60],
  duckingDb: [0, 40],
  bedGainDb: [-60, 12],
  fadeInSeconds: [0, 30],
  fadeOutSeconds: [0, 30],
};

/** Whether the post has a voiceover or a bed (the engine drops `audio` from the view otherwise). */
export function hasSound(audio: PostAudio | null | undefined): boolean {
  return Boolean(audio?.voice ?? audio?.bed);
}

/** The post's mix settings, or the engine's defaults. */
export function mixOf(audio: PostAudio | null | undefined): PostMix {
  return { ...DEFAULT_POST_MIX, ...audio?.mix };
}

/** The sound without its voiceover or its bed (what "Remove" sends). */
export function withoutTrack(audio: PostAudio | null | undefined, role: AudioRole): PostAudio {
  const next: PostAudio = { mix: mixOf(audio) };
  if (role !== 'voice' && audio?.voice) next.voice = audio.voice;
  if (role !== 'bed' && audio?.bed) next.bed = audio.bed;
  return next;
}

/** The sound with mix settings changed, each clamped into what the engine accepts. */
export function withMix(audio: PostAudio | null | undefined, patch: Partial<PostMix>): PostAudio {
  const mix = mixOf(audio);
  for (const key of Object.keys(patch) as (keyof PostMix)[]) {
    const value = patch[key];
    if (value === undefined || !Number.isFinite(value)) continue;
    const [lo, hi] = POST_MIX_LIMITS[key];
    mix[key] = Math.min(hi, Math.max(lo, value));
  }
  const next: PostAudio = { mix };
  if (audio?.voice) next.voice = audio.voice;
  if (audio?.bed) next.bed = audio.bed;
  return next;
}

/** The export formats that need the post's sound. */
export function needsSound(format: ExportFormat): boolean {
  return format === 'wav' || format === 'mp4';
}

/** "Voiceover" / "Bed", as the buttons and notices say them. */
export function roleName(role: AudioRole): string {
  return role === 'voice' ? 'voiceover' : 'bed';
}

/** Sound files the Sound tool's drop zone takes (the sound of a clip included). */
export const SOUND_EXTENSIONS = ['wav', 'flac', 'mp3', 'ogg', 'm4a', 'mp4', 'mov'] as const;

/** Whether a path names a file the drop zone takes (by its extension; the engine decides). */
export function isSoundFile(path: string): boolean {
  const name = fileName(path).toLowerCase();
  const dot = name.lastIndexOf('.');
  return dot > 0 && (SOUND_EXTENSIONS as readonly string[]).includes(name.slice(dot + 1));
}

/** Why a sound file could not be imported, in words: "broken.mp3 is not a sound the studio can read." */
export function importErrorText(path: string, error: IpcError): string {
  const name = fileName(path);
  switch (error.code) {
    case 'MEDIA_INVALID':
      return `${name} is not a sound the studio can read.`;
    case 'IO':
      return `${name} could not be read.`;
    default:
      return `${name} could not be imported.`;
  }
}
