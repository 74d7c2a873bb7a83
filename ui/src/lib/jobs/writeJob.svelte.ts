/**
 * The running writing job: a {@link JobRunner} over the writing reducer and `write_text`. Token
 * deltas are folded in once per animation frame (a model writes tens of tokens a second per
 * variant; one update per frame).
 */
import type { StudioIpc, WriteRequest } from '../ipc';
import { JobRunner } from './jobRunner.svelte';
import { initialWriteJobState, reduceWriteJob, type WriteJobAction, type WriteJobState } from './writeJobState';

export type WriteIpc = Pick<StudioIpc, 'writeText' | 'cancelJob'>;

export class WriteJob extends JobRunner<WriteJobState, WriteJobAction, WriteRequest> {
  constructor(ipc: WriteIpc) {
    super({
      initial: initialWriteJobState,
      reduce: reduceWriteJob,
      submitted: (seq, request) => ({ type: 'submitted', seq, request }),
      start: (request, onEvent) => ipc.writeText(request, onEvent),
      cancel: (jobId) => ipc.cancelJob(jobId),
    });
  }
}
