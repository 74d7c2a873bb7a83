import { describe, expect, it, vi } from 'vitest';

import type { GenerateFacesRequest, JobEvent, JobId, StudioIpc } from '../ipc';
import { FaceJob } from './faceJob.svelte';

interface Pending {
  request: GenerateFacesRequest;
  onEvent: (e: JobEvent) => void;
  resolve: (id: JobId) => void;
  reject: (e: unknown) => void;
}

/** Fake ipc functions whose command answers the test controls. */
function fakeIpc() {
  const pending: Pending[] = [];
  const ipc: Pick<StudioIpc, 'generateFaces' | 'cancelJob'> = {
    generateFaces: vi.fn(
      (request: GenerateFacesRequest, onEvent: (e: JobEvent) => void) =>
        new Promise<JobId>((resolve, reject) => {
          pending.push({ request, onEvent, resolve, reject });
        }),
    ),
    cancelJob: vi.fn(() => Promise.resolve(true)),
  };
  return { ipc, pending };
}

// Job events are applied once per frame (rAF, or a 16 ms timer without one): wait past it.
const tick = () => new Promise((r) => setTimeout(r, 40));

describe('FaceJob', () => {
  it('runs a job through to completion', async () => {
    const { ipc, pending } = fakeIpc();
    const job = new FaceJob(ipc);
    const started = job.start({ count: 2, seed: 42 });
    expect(job.state.status).toBe('running');
    const call = pending[0]!;
    call.onEvent({ event: 'started', jobId: 3, total: 2 });
    call.resolve(3);
    await started;
    expect(job.state.jobId).toBe(3);
    call.onEvent({ event: 'finished', jobId: 3, done: 2, outcome: { state: 'completed' } });
    expect(job.state.status).toBe('running');
    await tick();
    expect(job.state.status).toBe('completed');
  });

  it('a new start cancels the running job and ignores its events (latest wins)', async () => {
    const { ipc, pending } = fakeIpc();
    const job = new FaceJob(ipc);
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

  it('cancels a job whose id arrives after Cancel was pressed', async () => {
    const { ipc, pending } = fakeIpc();
    const job = new FaceJob(ipc);
    const started = job.start({ count: 4, seed: 1 });
    await job.cancel();
    expect(job.state.cancelRequested).toBe(true);
    expect(ipc.cancelJob).not.toHaveBeenCalled();
    pending[0]!.resolve(9);
    await started;
    expect(ipc.cancelJob).toHaveBeenCalledWith(9);
  });

  it('cancels a request superseded before it was answered', async () => {
    const { ipc, pending } = fakeIpc();
    const job = new FaceJob(ipc);
    const first = job.start({ count: 4, seed: 1 });
    void job.start({ count: 2, seed: 2 });
    pending[0]!.resolve(5);
    await first;
    expect(ipc.cancelJob).toHaveBeenCalledWith(5);
    expect(job.state.jobId).toBeNull();
  });

  it('turns a rejected command into a failed state', async () => {
    const { ipc, pending } = fakeIpc();
    const job = new FaceJob(ipc);
    const started = job.start({ count: 4, seed: 1 });
    pending[0]!.reject({ code: 'MODEL_MISSING', message: 'dcgan-faces.onnx is missing.' });
    await started;
    expect(job.state.status).toBe('failed');
    expect(job.state.error).toEqual({
      code: 'MODEL_MISSING',
      message: 'dcgan-faces.onnx is missing.',
    });
  });

  it('lets Cancel be pressed again when the cancel command fails', async () => {
    const { ipc, pending } = fakeIpc();
    ipc.cancelJob = vi.fn(() => Promise.reject({ code: 'INTERNAL', message: 'no' }));
    const job = new FaceJob(ipc);
    const started = job.start({ count: 4, seed: 1 });
    pending[0]!.resolve(2);
    await started;
    await job.cancel();
    await tick();
    expect(job.state.cancelRequested).toBe(false);
    expect(job.state.status).toBe('running');
  });
});
