/** The animation job's state line. */
import type { InterpolateRequest } from '../ipc';
import { plural } from './jobState';
import type { MediaJobState } from './mediaJobState';

export type AnimationJobState = MediaJobState<InterpolateRequest>;

/** Frames the file will hold: a ping-pong loop plays the inner frames again backwards. */
export function animationFrameCount(request: Pick<InterpolateRequest, 'frames' | 'pingPong'>): number {
  return request.pingPong ? Math.max(request.frames, 2 * request.frames - 2) : request.frames;
}

/** The text of the state line under the Render button (empty while idle). */
export function describeAnimationJob(state: AnimationJobState): string {
  switch (state.status) {
    case 'idle':
      return '';
    case 'running': {
      if (state.cancelRequested) return 'Cancelling…';
      const frames = state.total || (state.request ? animationFrameCount(state.request) : 0);
      return `Rendering ${plural(frames, 'frame', 'frames')}…`;
    }
    case 'completed':
      return state.file ? `Done: ${plural(state.file.frames, 'frame', 'frames')} written` : 'Done';
    case 'cancelled':
      return `Cancelled after ${state.done} of ${state.total} frames; no file was written.`;
    case 'failed':
      return state.error?.message ?? 'The animation failed.';
  }
}
