/**
 * What the studio has loaded, and whether the Image tool can generate faces.
 * Pure functions over {@link AppStatus}, so the rules are tested without a window.
 */
import type { AppStatus, ErrorCode, IpcError, ModelStatus } from '../ipc';

/** The manifest id of the face GAN (models/manifest.toml). */
export const FACE_MODEL_ID = 'dcgan-faces';
export const FACE_MODEL_KIND = 'image-gan';

/** The command that installs ONNX Runtime and the models. */
export const SETUP_COMMAND = './scripts/run';

export type StudioStatusState =
  | { kind: 'no-app' }
  | { kind: 'loading' }
  | { kind: 'loaded'; status: AppStatus }
  | { kind: 'failed'; error: IpcError };

const SETUP_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'RUNTIME_MISSING',
  'RUNTIME_INCOMPATIBLE',
  'MANIFEST_INVALID',
  'MODEL_MISSING',
  'MODEL_HASH_MISMATCH',
  'MODEL_INVALID',
]);

/** Errors that a fresh run of the set-up command fixes. */
export function needsSetup(code: ErrorCode): boolean {
  return SETUP_CODES.has(code);
}

/** What to do about an error, for a person; null when the message says it all. */
export function hintFor(code: ErrorCode): string | null {
  if (needsSetup(code)) {
    return `Re-run set-up: close the app and run ${SETUP_COMMAND} in the Postcraft Studio folder; it installs what is missing and starts the app again.`;
  }
  switch (code) {
    case 'INFERENCE_FAILED':
      return 'Try again, perhaps with fewer faces. If it keeps failing, re-run set-up.';
    case 'INVALID_REQUEST':
      return 'Check the count and the seed.';
    case 'IO':
      return 'Check the disk space and the permissions of the app data folder.';
    default:
      return null;
  }
}

/** The face model of the manifest: by id, else the first image GAN. */
export function findFaceModel(status: AppStatus): ModelStatus | null {
  return (
    status.models.find((m) => m.id === FACE_MODEL_ID) ??
    status.models.find((m) => m.kind === FACE_MODEL_KIND) ??
    null
  );
}

export interface Problem {
  title: string;
  message: string;
  hint: string | null;
  /** The error code, when the backend gave one. */
  code: ErrorCode | null;
}

/** Whether a tool's model can run, and why not. */
export interface FaceReadiness {
  ready: boolean;
  /** Why not (null when ready or still loading). */
  problem: Problem | null;
  model: ModelStatus | null;
}

interface ModelNeed {
  /** What the app does with it, for the no-app message ("faces are generated"). */
  doneByApp: string;
  find: (status: AppStatus) => ModelStatus | null;
  missingTitle: string;
  missingMessage: string;
  hint: (code: ErrorCode) => string | null;
}

function modelReadiness(state: StudioStatusState, need: ModelNeed): FaceReadiness {
  switch (state.kind) {
    case 'no-app':
      return {
        ready: false,
        model: null,
        problem: {
          title: 'Open in the Postcraft Studio app',
          message: `This page is the interface of the desktop app; ${need.doneByApp} by the app itself, on this computer.`,
          hint: `Start it with ${SETUP_COMMAND} (sets up, builds and launches the app).`,
          code: null,
        },
      };
    case 'loading':
      return { ready: false, model: null, problem: null };
    case 'failed':
      return {
        ready: false,
        model: null,
        problem: {
          title: 'Could not read the studio status',
          message: state.error.message,
          hint: need.hint(state.error.code),
          code: state.error.code,
        },
      };
    case 'loaded': {
      const { runtime } = state.status;
      const model = need.find(state.status);
      if (runtime.error) {
        return {
          ready: false,
          model,
          problem: {
            title: 'ONNX Runtime is not loaded',
            message: runtime.error.message,
            hint: need.hint(runtime.error.code) ?? `Re-run set-up: ${SETUP_COMMAND}.`,
            code: runtime.error.code,
          },
        };
      }
      if (!model) {
        return {
          ready: false,
          model,
          problem: {
            title: need.missingTitle,
            message: need.missingMessage,
            hint: `Re-run set-up: ${SETUP_COMMAND}.`,
            code: null,
          },
        };
      }
      if (model.error || !model.loaded) {
        return {
          ready: false,
          model,
          problem: {
            title: `${model.name} is not available`,
            message: model.error?.message ?? 'The model is not loaded.',
            hint: need.hint(model.error?.code ?? 'MODEL_MISSING'),
            code: model.error?.code ?? null,
          },
        };
      }
      return { ready: true, model, problem: null };
    }
  }
}

export function faceReadiness(state: StudioStatusState): FaceReadiness {
  return modelReadiness(state, {
    doneByApp: 'faces are generated',
    find: findFaceModel,
    missingTitle: 'No face model in the manifest',
    missingMessage: `models/manifest.toml lists no "${FACE_MODEL_ID}" model.`,
    hint: hintFor,
  });
}

/** The manifest id of the writing tools' text model (models/manifest.toml). */
export const TEXT_MODEL_ID = 'smollm2-135m';
export const TEXT_MODEL_KIND = 'text-generation';

/** The text model of the manifest: by id, else the first text-generation model. */
export function findTextModel(status: AppStatus): ModelStatus | null {
  return (
    status.models.find((m) => m.id === TEXT_MODEL_ID) ??
    status.models.find((m) => m.kind === TEXT_MODEL_KIND) ??
    null
  );
}

/** What to do about an error of the writing tools; null when the message says it all. */
export function writeHintFor(code: ErrorCode): string | null {
  if (needsSetup(code)) return hintFor(code);
  switch (code) {
    case 'INFERENCE_FAILED':
      return 'Try again, perhaps with fewer variants. If it keeps failing, re-run set-up.';
    case 'IO':
      return hintFor(code);
    default:
      return null;
  }
}

/** Whether the Write tool can run: the runtime and the text model loaded. */
export function textReadiness(state: StudioStatusState): FaceReadiness {
  return modelReadiness(state, {
    doneByApp: 'text is written',
    find: findTextModel,
    missingTitle: 'No text model in the manifest',
    missingMessage: `models/manifest.toml lists no "${TEXT_MODEL_ID}" model.`,
    hint: writeHintFor,
  });
}
