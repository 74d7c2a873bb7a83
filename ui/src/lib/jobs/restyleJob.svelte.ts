/**
 * The running restyle job: a {@link JobRunner} over the media reducer, starting `restyle_image`
 * for a photo and `restyle_video` for a clip. One runner for both, so the panel runs one restyle
 * at a time and a new one supersedes the last ("latest wins").
 */
import type { StudioIpc } from '../ipc';
import { JobRunner } from './jobRunner.svelte';
import { initialMediaJobState, reduceMediaJob, type MediaJobAction } from './mediaJobState';
import type { RestyleJobRequest, RestyleJobState } from './restyleJobState';

export type RestyleIpc = Pick<StudioIpc, 'restyleImage' | 'restyleVideo' | 'cancelJob'>;

export class RestyleJob extends JobRunner<RestyleJobState, MediaJobAction<RestyleJobRequest>, RestyleJobRequest> {
  constructor(ipc: RestyleIpc) {
    super({
      initial: initialMediaJobState<RestyleJobRequest>(),
      reduce: reduceMediaJob,
      submitted: (seq, request) => ({ type: 'submitted', seq, request }),
      start: (job, onEvent) =>
        job.kind === 'photo' ? ipc.restyleImage(job.request, onEvent) : ipc.restyleVideo(job.request, onEvent),
      cancel: (jobId) => ipc.cancelJob(jobId),
    });
  }
}
