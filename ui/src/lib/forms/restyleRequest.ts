/** The Restyle tool's form: what kind of file it was given, and the request it makes. */
import { MAX_SMOOTHING } from '../ipc';
import type { RestyleJobRequest } from '../jobs/restyleJobState';
import { fileName } from '../editor/dropRouting';

export type MediaKind = 'photo' | 'clip';

/**
 * Extensions restyled as clips (`restyle_video`: MP4, WebM, MOV, GIF; ffmpeg reads the others
 * too). An animated GIF is a clip; everything else goes to `restyle_image`, which names the
 * problem (MEDIA_INVALID) when it is no picture.
 */
const CLIP_EXTENSIONS: ReadonlySet<string> = new Set(['mp4', 'm4v', 'mov', 'webm', 'mkv', 'gif']);

export const DEFAULT_STRENGTH = 1;
export const DEFAULT_SMOOTHING = 0.5;
/** The engine's limit: more would freeze still areas for good. */
export { MAX_SMOOTHING };

/** Photo or clip, by the file's extension. */
export function mediaKindOf(path: string): MediaKind {
  const extension = fileName(path).split('.').at(-1)?.toLowerCase() ?? '';
  return CLIP_EXTENSIONS.has(extension) ? 'clip' : 'photo';
}

/**
 * A path as typed or pasted: trimmed, without the quotes a file manager's "copy path" adds, and a
 * `file://` URI turned into its path.
 */
export function normalizePath(text: string): string {
  let path = text.trim();
  const quoted = /^(['"])(.*)\1$/.exec(path);
  if (quoted) path = quoted[2]!.trim();
  if (path.startsWith('file://')) {
    try {
      path = decodeURIComponent(new URL(path).pathname);
    } catch {
      // Not a valid URI: leave it for the engine to refuse in words.
    }
  }
  return path;
}

/** Where a restyled clip goes by default (the engine's choice: beside it, never overwriting). */
export function restyledClipName(path: string): string {
  const name = fileName(path);
  const dot = name.lastIndexOf('.');
  return `${dot > 0 ? name.slice(0, dot) : name}-restyled.mp4`;
}

export interface RestyleForm {
  path: string;
  model: string;
  strength: number;
  smoothing: number;
}

export function buildRestyleRequest(
  form: RestyleForm,
): { ok: true; job: RestyleJobRequest } | { ok: false; message: string } {
  const input = normalizePath(form.path);
  if (input === '') return { ok: false, message: 'Drop a photo or a clip here, or enter its path.' };
  const strength = Math.min(1, Math.max(0, form.strength));
  if (mediaKindOf(input) === 'photo') {
    return { ok: true, job: { kind: 'photo', request: { input, model: form.model, strength } } };
  }
  const smoothing = Math.min(MAX_SMOOTHING, Math.max(0, form.smoothing));
  // An empty output: the engine writes `<name>-restyled.mp4` beside the clip.
  return { ok: true, job: { kind: 'clip', request: { input, output: '', model: form.model, strength, smoothing } } };
}
