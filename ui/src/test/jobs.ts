/**
 * A fake job-starting command for the job runner tests: each call stays pending until the test
 * resolves (accepts) or rejects (refuses) it, and hands the test the job's event callback.
 */
import { vi } from 'vitest';

import type { JobEvent, JobId } from '../lib/ipc';

export interface PendingJob<R> {
  request: R;
  onEvent: (e: JobEvent) => void;
  resolve: (id: JobId) => void;
  reject: (e: unknown) => void;
}

/** `start` and `cancelJob` as the ipc has them, and the calls of `start` not answered yet. */
export function fakeJobCommand<R>() {
  const pending: PendingJob<R>[] = [];
  const start = vi.fn(
    (request: R, onEvent: (e: JobEvent) => void) =>
      new Promise<JobId>((resolve, reject) => {
        pending.push({ request, onEvent, resolve, reject });
      }),
  );
  const cancelJob = vi.fn((_jobId: JobId) => Promise.resolve(true));
  return { start, cancelJob, pending };
}

/** Job events are applied once per frame (rAF, or a 16 ms timer without one): wait past it. */
export const nextFrame = () => new Promise((r) => setTimeout(r, 40));
