import { describe, expect, it } from 'vitest';

import type { GenerateImagesRequest } from '../ipc';
import { fakeJobCommand, nextFrame } from '../../test/jobs';
import { ImageJob } from './imageJob.svelte';

// The lifecycle (cancel, superseded requests, failed cancels) is JobRunner's: jobRunner.test.ts.
function fakeIpc() {
  const { start, cancelJob, pending } = fakeJobCommand<GenerateImagesRequest>();
  return { ipc: { generateImages: start, cancelJob }, pending };
}

describe('ImageJob', () => {
  it('runs a job through to completion', async () => {
    const { ipc, pending } = fakeIpc();
    const job = new ImageJob(ipc);
    const started = job.start({ count: 2, seed: 42 });
    expect(job.state).toMatchObject({ status: 'running', total: 2 });
    const call = pending[0]!;
    expect(call.request).toEqual({ count: 2, seed: 42 });
    call.onEvent({ event: 'started', jobId: 3, total: 2 });
    call.resolve(3);
    await started;
    expect(job.state.jobId).toBe(3);
    call.onEvent({ event: 'finished', jobId: 3, done: 2, outcome: { state: 'completed' } });
    expect(job.state.status).toBe('running');
    await nextFrame();
    expect(job.state.status).toBe('completed');
  });

  it('a new start cancels the running job and ignores its events (latest wins)', async () => {
    const { ipc, pending } = fakeIpc();
    const job = new ImageJob(ipc);
    const first = job.start({ count: 4, seed: 1 });
    pending[0]!.resolve(1);
    await first;

    const second = job.start({ count: 3, seed: 2 });
    expect(ipc.cancelJob).toHaveBeenCalledWith(1);
    // The old channel keeps talking; none of it may leak into the new job.
    pending[0]!.onEvent({ event: 'started', jobId: 1, total: 4 });
    pending[0]!.onEvent({
      event: 'image',
      jobId: 1,
      index: 0,
      url: 'postcraft://localhost/jobs/1/0.png',
      width: 64,
      height: 64,
    });
    pending[0]!.onEvent({ event: 'finished', jobId: 1, done: 1, outcome: { state: 'cancelled' } });
    expect(job.state).toMatchObject({ status: 'running', total: 3, images: [], jobId: null });

    pending[1]!.resolve(2);
    await second;
    expect(job.state.jobId).toBe(2);
  });

  it('turns a rejected command into a failed state', async () => {
    const { ipc, pending } = fakeIpc();
    const job = new ImageJob(ipc);
    const started = job.start({ count: 4, seed: 1 });
    pending[0]!.reject({ code: 'MODEL_MISSING', message: 'dcgan-faces.onnx is missing.' });
    await started;
    expect(job.state).toMatchObject({ status: 'failed', etaMs: null });
    expect(job.state.error).toEqual({
      code: 'MODEL_MISSING',
      message: 'dcgan-faces.onnx is missing.',
    });
  });
});
