/**
 * A fake Rust side for tests, installed with `mockIPC` from `@tauri-apps/api/mocks`:
 * answers `app_status`, records `generate_faces` / `cancel_job`, and pushes job events into
 * the real `Channel` the UI created, through the same callback path Tauri uses.
 */
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';

import type { AppStatus, IpcError, JobEvent, JobId, ModelStatus } from '../lib/ipc';

export const RUNTIME_PATH = '/opt/postcraft/lib/libonnxruntime.so.1.31.1';

export function faceModel(overrides: Partial<ModelStatus> = {}): ModelStatus {
  return {
    id: 'dcgan-faces',
    name: 'Faces (DCGAN, 64x64)',
    kind: 'image-gan',
    licence:
      'MIT (package gan-face-generate); trained on DigiFace-1M, whose terms may be research-only',
    loaded: true,
    error: null,
    ...overrides,
  };
}

export function readyStatus(overrides: Partial<AppStatus> = {}): AppStatus {
  return {
    version: '0.1.0',
    runtime: { path: RUNTIME_PATH, version: '1.31.1', error: null },
    models: [faceModel()],
    ...overrides,
  };
}

export function runtimeMissingStatus(): AppStatus {
  return readyStatus({
    runtime: {
      path: RUNTIME_PATH,
      version: null,
      error: {
        code: 'RUNTIME_MISSING',
        message: `ONNX Runtime was not found at ${RUNTIME_PATH}.`,
      },
    },
    models: [
      faceModel({
        loaded: false,
        error: { code: 'RUNTIME_MISSING', message: 'ONNX Runtime is not loaded.' },
      }),
    ],
  });
}

function internals(): { runCallback: (id: number, data: unknown) => void } {
  return (window as unknown as { __TAURI_INTERNALS__: ReturnType<typeof internals> })
    .__TAURI_INTERNALS__;
}

interface RawChannel {
  id: number;
}

export interface GenerateCall {
  request: { count: number; seed: number };
  channel: RawChannel;
  /** Sends events on this call's channel, numbered as Tauri numbers them. */
  emit: (...events: JobEvent[]) => void;
  /** Resolves the command with the job id (when the backend answer is held back). */
  resolve: (jobId: JobId) => void;
  reject: (error: unknown) => void;
}

export interface FakeBackendOptions {
  status?: AppStatus | (() => Promise<AppStatus>);
  /** `auto`: job ids 1, 2, ... at once; `manual`: hold each answer until `resolve`. */
  jobIds?: 'auto' | 'manual';
  generateError?: IpcError | string;
  cancelResult?: boolean | IpcError;
}

export interface FakeBackend {
  generateCalls: GenerateCall[];
  cancelCalls: JobId[];
  commands: string[];
  /** The latest generate call. */
  last(): GenerateCall;
  setStatus(status: AppStatus): void;
}

export function installBackend(options: FakeBackendOptions = {}): FakeBackend {
  let status = options.status ?? readyStatus();
  let nextJobId = 1;
  const backend: FakeBackend = {
    generateCalls: [],
    cancelCalls: [],
    commands: [],
    last() {
      const call = backend.generateCalls.at(-1);
      if (!call) throw new Error('generate_faces was not called');
      return call;
    },
    setStatus(next) {
      status = next;
    },
  };

  mockIPC((cmd, args) => {
    backend.commands.push(cmd);
    const payload = (args ?? {}) as Record<string, unknown>;
    switch (cmd) {
      case 'app_status':
      case 'reload_engine':
        return typeof status === 'function' ? status() : structuredClone(status);
      case 'generate_faces': {
        if (options.generateError !== undefined) return Promise.reject(options.generateError);
        const channel = payload.onEvent as RawChannel;
        let index = 0;
        let settle!: { resolve: (id: JobId) => void; reject: (e: unknown) => void };
        const answer = new Promise<JobId>((resolve, reject) => {
          settle = { resolve, reject };
        });
        const call: GenerateCall = {
          request: payload.request as GenerateCall['request'],
          channel,
          emit: (...events) => {
            for (const message of events) {
              internals().runCallback(channel.id, { index: index++, message });
            }
          },
          resolve: settle.resolve,
          reject: settle.reject,
        };
        backend.generateCalls.push(call);
        if (options.jobIds !== 'manual') settle.resolve(nextJobId++);
        return answer;
      }
      case 'cancel_job': {
        backend.cancelCalls.push(payload.jobId as JobId);
        const result = options.cancelResult ?? true;
        return typeof result === 'boolean' ? result : Promise.reject(result);
      }
      default:
        return Promise.reject(new Error(`unexpected command ${cmd}`));
    }
  });
  return backend;
}

export function removeBackend(): void {
  clearMocks();
}

/** A tiny valid PNG as a data URL, standing in for `postcraft://localhost/jobs/N/I.png`. */
export function faceUrl(jobId: JobId, index: number): string {
  return `postcraft://localhost/jobs/${jobId}/${index}.png`;
}

export function imageEvent(jobId: JobId, index: number): JobEvent {
  return { event: 'image', jobId, index, url: faceUrl(jobId, index), width: 64, height: 64 };
}

/** The whole event stream of a job that completes `total` images. */
export function completedJob(jobId: JobId, total: number): JobEvent[] {
  const events: JobEvent[] = [{ event: 'started', jobId, total }];
  for (let i = 0; i < total; i++) {
    events.push(imageEvent(jobId, i));
    events.push({
      event: 'progress',
      jobId,
      done: i + 1,
      total,
      etaMs: (total - i - 1) * 250,
    });
  }
  events.push({ event: 'finished', jobId, done: total, outcome: { state: 'completed' } });
  return events;
}
