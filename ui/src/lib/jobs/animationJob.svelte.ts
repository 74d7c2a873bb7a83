/**
 * The running animation (`interpolate_images`): a {@link JobRunner} over the media reducer.
 */
import type { InterpolateRequest, StudioIpc } from '../ipc';
import { JobRunner } from './jobRunner.svelte';
import type { AnimationJobState } from './animationJobState';
import { initialMediaJobState, reduceMediaJob, type MediaJobAction } from './mediaJobState';

export type AnimationIpc = Pick<StudioIpc, 'interpolateImages' | 'cancelJob'>;

export class AnimationJob extends JobRunner<AnimationJobState, MediaJobAction<InterpolateRequest>, InterpolateRequest> {
  constructor(ipc: AnimationIpc) {
    super({
      initial: initialMediaJobState<InterpolateRequest>(),
      reduce: reduceMediaJob,
      submitted: (seq, request) => ({ type: 'submitted', seq, request }),
      start: (request, onEvent) => ipc.interpolateImages(request, onEvent),
      cancel: (jobId) => ipc.cancelJob(jobId),
    });
  }
}
