import { describe, expect, it } from 'vitest';

import type { JobEvent } from '../ipc';
import { fakeJobCommand, nextFrame } from '../../test/jobs';
import { JobRunner } from './jobRunner.svelte';
import { currentJobOf, reduceJobLifecycle, type JobLifecycleAction, type JobLifecycleState } from './jobState';

/** A minimal job: it only records the events of the current job, and ends on `finished`. */
interface TestState extends JobLifecycleState {
  request: string;
  events: JobEvent['event'][];
}
type TestAction = { type: 'submitted'; seq: number; request: string } | JobLifecycleAction;

const initial: TestState = { seq: 0, jobId: null, status: 'idle', error: null, cancelRequested: false, request: '', events: [] };

function reduceEvent(state: TestState, event: JobEvent): TestState {
  const adopted = currentJobOf(state, event);
  if (adopted === null || adopted.status !== 'running') return state;
  const events = [...adopted.events, event.event];
  if (event.event !== 'finished') return { ...adopted, events };
  const status = event.outcome.state;
  return { ...adopted, events, status, cancelRequested: false };
}

function reduce(state: TestState, action: TestAction): TestState {
  if (action.type === 'submitted') return { ...initial, seq: action.seq, status: 'running', request: action.request };
  return reduceJobLifecycle(state, action, reduceEvent);
}

function testJob() {
  const command = fakeJobCommand<string>();
  const job = new JobRunner<TestState, TestAction, string>({
    initial,
    reduce,
    submitted: (seq, request) => ({ type: 'submitted', seq, request }),
    start: (request, onEvent) => command.start(request, onEvent),
    cancel: (jobId) => command.cancelJob(jobId),
  });
  return { job, ...command };
}

describe('JobRunner', () => {
  it('runs a job through to completion, its events folded in once per frame', async () => {
    const { job, pending } = testJob();
    const started = job.start('a');
    expect(job.state).toMatchObject({ status: 'running', request: 'a' });
    expect(job.running).toBe(true);
    const call = pending[0]!;
    expect(call.request).toBe('a');
    call.onEvent({ event: 'started', jobId: 3, total: 2 });
    call.resolve(3);
    await started;
    expect(job.state.jobId).toBe(3);
    call.onEvent({ event: 'progress', jobId: 3, done: 1, total: 2, etaMs: null });
    call.onEvent({ event: 'finished', jobId: 3, done: 2, outcome: { state: 'completed' } });
    expect(job.state.status).toBe('running');
    await nextFrame();
    expect(job.state).toMatchObject({ status: 'completed', events: ['started', 'progress', 'finished'] });
    expect(job.running).toBe(false);
  });

  it('a new start cancels the running job and ignores its events (latest wins)', async () => {
    const { job, pending, cancelJob } = testJob();
    const first = job.start('a');
    pending[0]!.resolve(1);
    await first;

    const second = job.start('b');
    expect(cancelJob).toHaveBeenCalledWith(1);
    // The old channel keeps talking; none of it may leak into the new job.
    pending[0]!.onEvent({ event: 'started', jobId: 1, total: 4 });
    pending[0]!.onEvent({ event: 'finished', jobId: 1, done: 1, outcome: { state: 'cancelled' } });
    await nextFrame();
    expect(job.state).toMatchObject({ status: 'running', request: 'b', events: [], jobId: null });

    pending[1]!.resolve(2);
    await second;
    expect(job.state.jobId).toBe(2);
  });

  it('cancels a job whose id arrives after Cancel was pressed', async () => {
    const { job, pending, cancelJob } = testJob();
    const started = job.start('a');
    await job.cancel();
    expect(job.state.cancelRequested).toBe(true);
    expect(cancelJob).not.toHaveBeenCalled();
    pending[0]!.resolve(9);
    await started;
    expect(cancelJob).toHaveBeenCalledWith(9);
  });

  it('cancels a request superseded before it was answered', async () => {
    const { job, pending, cancelJob } = testJob();
    const first = job.start('a');
    void job.start('b');
    pending[0]!.resolve(5);
    await first;
    expect(cancelJob).toHaveBeenCalledWith(5);
    expect(job.state).toMatchObject({ jobId: null, request: 'b' });
  });

  it('turns a refused request into a failed state', async () => {
    const { job, pending } = testJob();
    const started = job.start('a');
    pending[0]!.reject({ code: 'MODEL_MISSING', message: 'the model is missing.' });
    await started;
    expect(job.state.status).toBe('failed');
    expect(job.state.error).toEqual({ code: 'MODEL_MISSING', message: 'the model is missing.' });
  });

  /** Job 2 running, then Cancel pressed, the cancel command failing with `code`. */
  async function cancelFailing(code: string) {
    const { job, pending, cancelJob } = testJob();
    cancelJob.mockImplementation(() => Promise.reject({ code, message: 'no' }));
    const started = job.start('a');
    pending[0]!.resolve(2);
    await started;
    await job.cancel();
    expect(cancelJob).toHaveBeenCalledWith(2);
    return job;
  }

  it('lets Cancel be pressed again when the cancel command fails', async () => {
    const job = await cancelFailing('INTERNAL');
    await nextFrame();
    expect(job.state).toMatchObject({ status: 'running', cancelRequested: false });
  });

  it('keeps waiting for the end when the job to cancel is already gone', async () => {
    const job = await cancelFailing('JOB_NOT_FOUND');
    expect(job.state).toMatchObject({ status: 'running', cancelRequested: true });
  });
});

describe('job state helpers', () => {
  const running: TestState = { ...initial, seq: 2, status: 'running' };

  it('adopts the id of the first event, drops other jobs and idle states', () => {
    const event: JobEvent = { event: 'started', jobId: 4, total: 1 };
    expect(currentJobOf(initial, event)).toBeNull();
    expect(currentJobOf(running, event)).toEqual({ ...running, jobId: 4 });
    expect(currentJobOf({ ...running, jobId: 3 }, event)).toBeNull();
  });

  it('drops the actions of a superseded request', () => {
    const error = { code: 'INTERNAL' as const, message: 'old' };
    expect(reduceJobLifecycle(running, { type: 'rejected', seq: 1, error }, reduceEvent)).toBe(running);
    expect(reduceJobLifecycle(running, { type: 'rejected', seq: 2, error }, reduceEvent, { request: 'reset' })).toEqual({
      ...running,
      request: 'reset',
      status: 'failed',
      error,
    });
  });
});
