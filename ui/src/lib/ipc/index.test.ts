import { afterEach, describe, expect, it } from 'vitest';

import { completedJob, installBackend, readyStatus, removeBackend } from '../../test/backend';
import {
  scaledMediaUrl,
  appStatus,
  cancelJob,
  generateFaces,
  insideTauri,
  isIpcError,
  toIpcError,
  type JobEvent,
} from './index';

afterEach(() => {
  removeBackend();
});

describe('toIpcError', () => {
  it('keeps a well-formed error and drops extra fields', () => {
    const error = { code: 'MODEL_HASH_MISMATCH', message: 'The model file changed.', extra: 1 };
    expect(toIpcError(error)).toEqual({
      code: 'MODEL_HASH_MISMATCH',
      message: 'The model file changed.',
    });
    expect(isIpcError(error)).toBe(true);
  });

  it.each([
    ['a string', 'command generate_faces not found', 'command generate_faces not found'],
    ['an Error', new TypeError('x is undefined'), 'x is undefined'],
    ['an unknown code', { code: 'NOPE', message: 'odd' }, 'odd'],
  ])('maps %s to INTERNAL', (_what, input, message) => {
    expect(toIpcError(input)).toEqual({ code: 'INTERNAL', message });
  });

  it.each([undefined, null, 42, '', {}, { code: 'IO' }])('gives %j a generic message', (input) => {
    const error = toIpcError(input);
    expect(error.code).toBe('INTERNAL');
    expect(error.message).toMatch(/went wrong/);
    expect(isIpcError(input)).toBe(false);
  });
});

describe('commands', () => {
  it('reports no app when the Tauri internals are absent', () => {
    expect(insideTauri()).toBe(false);
    installBackend();
    expect(insideTauri()).toBe(true);
  });

  it('appStatus invokes app_status', async () => {
    const backend = installBackend({ status: readyStatus({ version: '9.9.9' }) });
    await expect(appStatus()).resolves.toMatchObject({ version: '9.9.9' });
    expect(backend.commands).toEqual(['app_status']);
  });

  it('generateFaces sends the request and a channel, and delivers events in order', async () => {
    const backend = installBackend();
    const received: JobEvent[] = [];
    const jobId = await generateFaces({ count: 2, seed: 42 }, (e) => received.push(e));
    expect(jobId).toBe(1);

    const call = backend.last();
    expect(call.request).toEqual({ count: 2, seed: 42 });
    expect(typeof call.channel.id).toBe('number');

    const stream = completedJob(1, 2);
    call.emit(...stream);
    expect(received).toEqual(stream);
  });

  it('generateFaces rejects with the IpcError of the backend', async () => {
    installBackend({
      generateError: { code: 'RUNTIME_MISSING', message: 'ONNX Runtime was not found.' },
    });
    await expect(generateFaces({ count: 1, seed: 0 }, () => {})).rejects.toEqual({
      code: 'RUNTIME_MISSING',
      message: 'ONNX Runtime was not found.',
    });
  });

  it('normalizes a rejection that is not an IpcError', async () => {
    installBackend({ generateError: 'IPC channel closed' });
    await expect(generateFaces({ count: 1, seed: 0 }, () => {})).rejects.toEqual({
      code: 'INTERNAL',
      message: 'IPC channel closed',
    });
  });

  it('cancelJob passes the job id', async () => {
    const backend = installBackend({ cancelResult: false });
    await expect(cancelJob(12)).resolves.toBe(false);
    expect(backend.cancelCalls).toEqual([12]);
  });
});

describe('scaledMediaUrl', () => {
  it('asks the engine for an upscaled copy', () => {
    expect(scaledMediaUrl('postcraft://localhost/jobs/3/7.png', 8)).toBe(
      'postcraft://localhost/jobs/3/7.png?scale=8',
    );
    expect(scaledMediaUrl('postcraft://localhost/jobs/3/7.png?x=1', 2.6)).toBe(
      'postcraft://localhost/jobs/3/7.png?x=1&scale=3',
    );
    expect(scaledMediaUrl('postcraft://localhost/jobs/3/7.png', 0)).toContain('scale=1');
  });
});
