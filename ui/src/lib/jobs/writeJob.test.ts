import { describe, expect, it } from 'vitest';

import type { WriteRequest } from '../ipc';
import { fakeJobCommand, nextFrame } from '../../test/jobs';
import { WriteJob, type WriteIpc } from './writeJob.svelte';

// The lifecycle (cancel, superseded requests, failed cancels) is JobRunner's: jobRunner.test.ts.
function fakeIpc() {
  const { start, cancelJob, pending } = fakeJobCommand<WriteRequest>();
  const ipc: WriteIpc = { writeText: start, cancelJob };
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
    await nextFrame();
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
    await nextFrame();
    expect(job.state).toMatchObject({ status: 'running', streams: [], jobId: null });
    expect(job.state.request?.seed).toBe(2);
    pending[1]!.resolve(2);
    await second;
    expect(job.state.jobId).toBe(2);
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
