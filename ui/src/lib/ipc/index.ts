/**
 * The UI's one door to the Rust side. Nothing else imports `invoke` or `Channel`
 * (ESLint's `no-restricted-imports` enforces it); components get these functions
 * through {@link StudioIpc} so tests can hand in fakes.
 *
 * Types come from `./bindings.ts`, generated from the Rust types in crates/core.
 */
import { Channel, invoke } from '@tauri-apps/api/core';

import { ERROR_CODES } from './bindings';
import type {
  AppStatus,
  GenerateFacesRequest,
  IpcError,
  JobEvent,
  JobId,
} from './bindings';

export type * from './bindings';
export { ERROR_CODES, MAX_FACE_COUNT, MAX_SEED } from './bindings';

const ERROR_CODE_SET: ReadonlySet<string> = new Set<string>(ERROR_CODES);

/** True when `value` is an {@link IpcError} as the Rust side serializes it. */
export function isIpcError(value: unknown): value is IpcError {
  if (typeof value !== 'object' || value === null) return false;
  const { code, message } = value as Record<string, unknown>;
  return typeof code === 'string' && ERROR_CODE_SET.has(code) && typeof message === 'string';
}

/**
 * Normalizes whatever a rejected command gave us. Commands reject with `{code, message}`;
 * anything else (a string from the IPC layer, an `Error`, `undefined`) becomes `INTERNAL`.
 */
export function toIpcError(e: unknown): IpcError {
  if (isIpcError(e)) return { code: e.code, message: e.message };
  if (e instanceof Error) return { code: 'INTERNAL', message: e.message || e.name };
  if (typeof e === 'string' && e.trim() !== '') return { code: 'INTERNAL', message: e };
  if (typeof e === 'object' && e !== null) {
    const { message } = e as Record<string, unknown>;
    if (typeof message === 'string' && message.trim() !== '') {
      return { code: 'INTERNAL', message };
    }
  }
  return { code: 'INTERNAL', message: 'Something went wrong in the app (no details were given).' };
}

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    // Reject with a well-formed IpcError whatever the transport gave us.
    // eslint-disable-next-line @typescript-eslint/only-throw-error
    throw toIpcError(e);
  }
}

/** What the studio has loaded: ONNX Runtime and every model of the manifest. */
export function appStatus(): Promise<AppStatus> {
  return call<AppStatus>('app_status');
}

/**
 * Starts a face-generation job. Resolves with its id at once; `onEvent` then receives
 * `started`, `progress`/`image` interleaved, and one `finished`. Events may arrive before
 * the promise resolves.
 */
export function generateFaces(
  request: GenerateFacesRequest,
  onEvent: (event: JobEvent) => void,
): Promise<JobId> {
  const channel = new Channel<JobEvent>();
  channel.onmessage = onEvent;
  return call<JobId>('generate_faces', { request, onEvent: channel });
}

/**
 * The URL of a generated image upscaled `scale` times by the engine (Catmull-Rom), for showing a
 * 64x64 source large without the browser's blur. Scales above 8 are clamped by the engine.
 */
export function scaledMediaUrl(url: string, scale: number): string {
  const separator = url.includes('?') ? '&' : '?';
  return `${url}${separator}scale=${Math.max(1, Math.round(scale))}`;
}

/** Asks a job to stop. Resolves `false` when it had already ended. */
export function cancelJob(jobId: JobId): Promise<boolean> {
  return call<boolean>('cancel_job', { jobId });
}

/**
 * Forgets failed loads (runtime library, models) and checks again, after the creator fixed the
 * set-up; resolves with the new status.
 */
export function reloadEngine(): Promise<AppStatus> {
  return call<AppStatus>('reload_engine');
}

/** The backend calls the UI makes, as one object so components and tests can swap it. */
export interface StudioIpc {
  appStatus: typeof appStatus;
  reloadEngine: typeof reloadEngine;
  generateFaces: typeof generateFaces;
  cancelJob: typeof cancelJob;
}

export const tauriIpc: StudioIpc = { appStatus, reloadEngine, generateFaces, cancelJob };

/**
 * Whether the page runs inside the Tauri app (rather than a plain browser, e.g. `vite preview`).
 * `mockIPC` from `@tauri-apps/api/mocks` counts as inside.
 */
export function insideTauri(): boolean {
  const internals = (window as { __TAURI_INTERNALS__?: { invoke?: unknown } }).__TAURI_INTERNALS__;
  return typeof internals?.invoke === 'function';
}
