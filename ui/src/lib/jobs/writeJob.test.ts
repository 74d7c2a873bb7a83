import { describe, expect, it, vi } from 'vitest';

import type { JobEvent, JobId, WriteRequest } from '../ipc';
import { WriteJob, type WriteIpc } from './writeJob.svelte';

interface Pending {
  request: WriteRequest;
  onEvent: (e: JobEvent) => void;
  resolve: (id: JobId) => void;
  reject: (e: unknown) => void;
}

function fakeIpc() {
  const pending: Pending[] = [];
  const ipc: WriteIpc = {
    writeText: vi.fn(
      (request: WriteRequest, onEvent: (e: JobEvent) => void) =>
        new Promise<JobId>((resolve, reject) => {
          pending.push({ request, onEvent, resolve, reject });
        }),
    ),
    cancelJob: vi.fn(() => Promise.resolve(true)),
  };
  return { ipc, pending };
}

const REQUEST: WriteRequest = {
  tool: 'caption',
  platform: 'x',
  topic: 'coffee',
  keywords: [],
  tone: '',
  text: '',
  shorter: false,
  variants: 2,
  seed: 1,
  temperature: null,
};

// Events are applied once per frame (rAF, or a 16 ms timer without one): wait past it.
const frame = () => new Promise((r) => setTimeout(r, 40));

describe('WriteJob', () => {
  it('folds a burst of deltas once per frame', async () => {
    const { ipc, pending } = fakeIpc();
    const job = new WriteJob(ipc);
    const started = job.start(REQUEST);
    const call = pending[0]!;
    call.resolve(3);
    await started;
    for (const piece of ['Good', ' morning', ',', ' coffee']) call.onEvent({ event: 'textDelta', jobId: 3, variant: 0, text: piece });
    expect(job.state.streams).toEqual([]);
    await frame();
    expect(job.state.streams).toEqual(['Good morning, coffee']);
  });

  it('a new start cancels the running job and ignores its events (latest wins)', async () => {
    const { ipc, pending } = fakeIpc();
    const job = new WriteJob(ipc);
    const first = job.start(REQUEST);
    pending[0]!.resolve(1);
    await first;
    const second = job.start({ ...REQUEST, seed: 2 });
    expect(ipc.cancelJob).toHaveBeenCalledWith(1);
    pending[0]!.onEvent({ event: 'textDelta', jobId: 1, variant: 0, text: 'old' });
    pending[0]!.onEvent({ event: 'finished', jobId: 1, done: 0, outcome: { state: 'cancelled' } });
    await frame();
    expect(job.state).toMatchObject({ status: 'running', streams: [], jobId: null });
    expect(job.state.request?.seed).toBe(2);
    pending[1]!.resolve(2);
    await second;
    expect(job.state.jobId).toBe(2);
  });

  it('cancels a job whose id arrives after Cancel was pressed', async () => {
    const { ipc, pending } = fakeIpc();
    const job = new WriteJob(ipc);
    const started = job.start(REQUEST);
    await job.cancel();
    expect(job.state.cancelRequested).toBe(true);
    expect(ipc.cancelJob).not.toHaveBeenCalled();
    pending[0]!.resolve(9);
    await started;
    expect(ipc.cancelJob).toHaveBeenCalledWith(9);
  });

  it('turns a refused request into a failed state with the message', async () => {
    const { ipc, pending } = fakeIpc();
    const job = new WriteJob(ipc);
    const started = job.start(REQUEST);
    pending[0]!.reject({ code: 'MODEL_MISSING', message: 'smollm2-135m.onnx is missing.' });
    await started;
    expect(job.state.status).toBe('failed');
    expect(job.state.error).toEqual({ code: 'MODEL_MISSING', message: 'smollm2-135m.onnx is missing.' });
  });
});
