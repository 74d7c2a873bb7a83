/**
 * The running face job: a {@link JobRunner} over the face reducer and `generate_faces`.
 */
import type { GenerateFacesRequest, StudioIpc } from '../ipc';
import { initialFaceJobState, reduceFaceJob, type FaceJobAction, type FaceJobState } from './faceJobState';
import { JobRunner } from './jobRunner.svelte';

export type FaceIpc = Pick<StudioIpc, 'generateFaces' | 'cancelJob'>;

export class FaceJob extends JobRunner<FaceJobState, FaceJobAction, GenerateFacesRequest> {
  constructor(ipc: FaceIpc) {
    super({
      initial: initialFaceJobState,
      reduce: reduceFaceJob,
      submitted: (seq, request) => ({ type: 'submitted', seq, total: request.count }),
      start: (request, onEvent) => ipc.generateFaces(request, onEvent),
      cancel: (jobId) => ipc.cancelJob(jobId),
    });
  }
}
