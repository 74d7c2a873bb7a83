import { describe, expect, it, vi } from 'vitest';

import type { JobEvent, JobId, RestyleImageRequest, RestyleVideoRequest } from '../ipc';
import { nextFrame } from '../../test/jobs';
import { AnimationJob } from './animationJob.svelte';
import { RestyleJob } from './restyleJob.svelte';

// The lifecycle (cancel, superseded requests, failed cancels) is JobRunner's: jobRunner.test.ts.
function fakeIpc() {
  const started: { command: string; request: unknown; onEvent: (e: JobEvent) => void }[] = [];
  const command =
    <R>(name: string) =>
    (request: R, onEvent: (e: JobEvent) => void): Promise<JobId> => {
      started.push({ command: name, request, onEvent });
      return Promise.resolve(started.length);
    };
  return {
    ipc: {
      restyleImage: vi.fn(command<RestyleImageRequest>('restyle_image')),
      restyleVideo: vi.fn(command<RestyleVideoRequest>('restyle_video')),
      interpolateImages: vi.fn(command('interpolate_images')),
      cancelJob: vi.fn((_jobId: JobId) => Promise.resolve(true)),
    },
    started,
  };
}

describe('RestyleJob', () => {
  it('starts restyle_image for a photo and restyle_video for a clip', async () => {
    const { ipc, started } = fakeIpc();
    const job = new RestyleJob(ipc);
    await job.start({ kind: 'photo', request: { input: '/a.png', strength: 1 } });
    expect(job.state).toMatchObject({ status: 'running', jobId: 1, request: { kind: 'photo' } });
    await job.start({ kind: 'clip', request: { input: '/a.mp4', output: '', strength: 1, smoothing: 0.5 } });
    expect(started.map((s) => s.command)).toEqual(['restyle_image', 'restyle_video']);
    // The photo's job was superseded: asked to stop, its events ignored.
    expect(ipc.cancelJob).toHaveBeenCalledWith(1);
    started[0]!.onEvent({ event: 'restyled', jobId: 1, url: 'a', originalUrl: 'b', width: 1, height: 1 });
    started[1]!.onEvent({ event: 'started', jobId: 2, total: 25 });
    await nextFrame();
    expect(job.state).toMatchObject({ jobId: 2, total: 25, restyled: null });
  });
});

describe('AnimationJob', () => {
  it('starts interpolate_images', async () => {
    const { ipc, started } = fakeIpc();
    const job = new AnimationJob(ipc);
    const request = {
      model: 'dcgan-faces',
      fromSeed: 1,
      fromIndex: 0,
      toSeed: 2,
      toIndex: 0,
      frames: 2,
      fps: 1,
      pingPong: false,
      format: 'gif' as const,
      output: '/a.gif',
    };
    await job.start(request);
    expect(started).toMatchObject([{ command: 'interpolate_images', request }]);
    expect(job.state).toMatchObject({ status: 'running', jobId: 1, request });
  });
});
