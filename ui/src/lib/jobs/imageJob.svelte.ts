/**
 * The running image job: a {@link JobRunner} over the image reducer and `generate_images`.
 */
import type { GenerateImagesRequest, StudioIpc } from '../ipc';
import { initialImageJobState, reduceImageJob, type ImageJobAction, type ImageJobState } from './imageJobState';
import { JobRunner } from './jobRunner.svelte';

export type ImageIpc = Pick<StudioIpc, 'generateImages' | 'cancelJob'>;

export class ImageJob extends JobRunner<ImageJobState, ImageJobAction, GenerateImagesRequest> {
  constructor(ipc: ImageIpc) {
    super({
      initial: initialImageJobState,
      reduce: reduceImageJob,
      submitted: (seq, request) => ({ type: 'submitted', seq, request }),
      start: (request, onEvent) => ipc.generateImages(request, onEvent),
      cancel: (jobId) => ipc.cancelJob(jobId),
    });
  }
}
