/** The restyle job's request (a photo or a clip) and its state line. */
import type { RestyleImageRequest, RestyleVideoRequest } from '../ipc';
import { plural } from './jobState';
import type { MediaJobState } from './mediaJobState';

export type RestyleJobRequest =
  | { kind: 'photo'; request: RestyleImageRequest }
  | { kind: 'clip'; request: RestyleVideoRequest };

export type RestyleJobState = MediaJobState<RestyleJobRequest>;

/** What a finished clip's file holds: "25 frames, 160 × 120, with sound". */
export function describeClip(file: { frames: number; width: number; height: number; hasAudio: boolean }): string {
  return `${plural(file.frames, 'frame', 'frames')}, ${file.width} × ${file.height}, ${file.hasAudio ? 'with sound' : 'no sound'}`;
}

/** The text of the state line under the Restyle button (empty while idle). */
export function describeRestyleJob(state: RestyleJobState): string {
  const kind = state.request?.kind ?? 'photo';
  switch (state.status) {
    case 'idle':
      return '';
    case 'running':
      if (state.cancelRequested) return 'Cancelling…';
      return kind === 'photo' ? 'Restyling the photo…' : 'Restyling the clip…';
    case 'completed':
      if (state.restyled) return `Done: restyled ${state.restyled.width} × ${state.restyled.height}`;
      if (state.file) return `Done: ${plural(state.file.frames, 'frame', 'frames')} written`;
      return 'Done';
    case 'cancelled':
      return kind === 'clip'
        ? `Cancelled after ${state.done} of ${state.total} frames; no file was written.`
        : 'Cancelled.';
    case 'failed':
      return state.error?.message ?? 'The restyle failed.';
  }
}
