/**
 * What the studio has loaded, and whether each tool (Image, Restyle, Write) can run.
 * Pure functions over {@link AppStatus}, so the rules are tested without a window.
 */
import type { AppStatus, ErrorCode, IpcError, ModelStatus } from '../ipc';

/** The manifest id of the face GAN (models/manifest.toml). */
export const FACE_MODEL_ID = 'dcgan-faces';
export const FACE_MODEL_KIND = 'image-gan';
/** The manifest id of the sticker GAN (transparent images). */
export const STICKER_MODEL_ID = 'dcgan-stickers';
/** The manifest kind of the Restyle tool's models. */
export const RESTYLE_MODEL_KIND = 'image-to-image';

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
      return 'Try again, perhaps with fewer images. If it keeps failing, re-run set-up.';
    case 'INVALID_REQUEST':
      return 'Check the count, the seed and the upscale size.';
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
export interface ModelReadiness {
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

function modelReadiness(state: StudioStatusState, need: ModelNeed): ModelReadiness {
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

export function faceReadiness(state: StudioStatusState): ModelReadiness {
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
export function textReadiness(state: StudioStatusState): ModelReadiness {
  return modelReadiness(state, {
    doneByApp: 'text is written',
    find: findTextModel,
    missingTitle: 'No text model in the manifest',
    missingMessage: `models/manifest.toml lists no "${TEXT_MODEL_ID}" model.`,
    hint: writeHintFor,
  });
}

/** Every model of manifest kind `kind`, in manifest order (none until the status is in). */
export function modelsOfKind(state: StudioStatusState, kind: string): ModelStatus[] {
  return state.kind === 'loaded' ? state.status.models.filter((m) => m.kind === kind) : [];
}

const byId = (id: string) => (status: AppStatus) => status.models.find((m) => m.id === id) ?? null;

/** Whether the Image tool can generate with model `id` (faces, stickers). */
export function imageReadiness(state: StudioStatusState, id: string): ModelReadiness {
  return modelReadiness(state, {
    doneByApp: 'images are generated',
    find: byId(id),
    missingTitle: 'This model is not in the manifest',
    missingMessage: `models/manifest.toml lists no "${id}" model.`,
    hint: hintFor,
  });
}

/** What to do about an error of the Restyle tool; null when the message says it all. */
export function restyleHintFor(code: ErrorCode): string | null {
  if (needsSetup(code)) return hintFor(code);
  switch (code) {
    case 'MEDIA_INVALID':
      return 'Pick a photo (PNG, JPEG, WebP, GIF or BMP) or a clip (MP4, WebM, MOV or GIF).';
    case 'INFERENCE_FAILED':
      return 'Try again, perhaps with a smaller photo or a shorter clip. If it keeps failing, re-run set-up.';
    case 'IO':
      return 'Check that the file can be read, and the disk space and permissions of the folder the result goes to.';
    default:
      return null;
  }
}

/** What to do about an error of an animation; null when the message says it all. */
export function animationHintFor(code: ErrorCode): string | null {
  if (needsSetup(code)) return hintFor(code);
  switch (code) {
    case 'IO':
      return 'Check that the output file\'s folder exists and can be written to.';
    case 'INFERENCE_FAILED':
      return hintFor(code);
    default:
      return null;
  }
}

/** Whether the Restyle tool can run with model `id` (photo to clip-art, clip-art to photo). */
export function restyleReadiness(state: StudioStatusState, id: string): ModelReadiness {
  return modelReadiness(state, {
    doneByApp: 'photos and clips are restyled',
    find: byId(id),
    missingTitle: 'This restyle model is not in the manifest',
    missingMessage: `models/manifest.toml lists no "${id}" model.`,
    hint: restyleHintFor,
  });
}

/** The manifest kind of the Voice tool's voices, and the voice set-up installs. */
export const SPEECH_MODEL_KIND = 'speech';
export const DEFAULT_VOICE_ID = 'piper-joe-medium';
/** The manifest kind and id of the Sound tool's drum generator. */
export const SOUND_MODEL_KIND = 'sound-gan';
export const DRUMS_MODEL_ID = 'drums-oneshot';

/** What to do about an error of the Voice and Sound tools; null when the message says it all. */
export function audioHintFor(code: ErrorCode): string | null {
  if (needsSetup(code)) return hintFor(code);
  switch (code) {
    case 'TOOL_MISSING':
      return `The voice reads words with espeak-ng: re-run set-up (${SETUP_COMMAND}) to install it, or install espeak-ng (Debian: apt install espeak-ng).`;
    case 'INFERENCE_FAILED':
      return 'Try again, perhaps with less at once. If it keeps failing, re-run set-up.';
    case 'IO':
      return hintFor(code);
    default:
      return null;
  }
}

/** Whether the Voice tool can speak with voice `id` (empty: the first voice of the manifest). */
export function voiceReadiness(state: StudioStatusState, id: string): ModelReadiness {
  return modelReadiness(state, {
    doneByApp: 'voiceovers are spoken',
    find: (status) =>
      id !== '' ? (status.models.find((m) => m.id === id) ?? null) : (status.models.find((m) => m.kind === SPEECH_MODEL_KIND) ?? null),
    missingTitle: 'No voice in the manifest',
    missingMessage: `models/manifest.toml lists no "${id || DEFAULT_VOICE_ID}" voice.`,
    hint: audioHintFor,
  });
}

/** Whether the Sound tool can generate hits and beats: the runtime and the drum model loaded. */
export function drumsReadiness(state: StudioStatusState): ModelReadiness {
  return modelReadiness(state, {
    doneByApp: 'sounds are generated',
    find: (status) =>
      status.models.find((m) => m.id === DRUMS_MODEL_ID) ?? status.models.find((m) => m.kind === SOUND_MODEL_KIND) ?? null,
    missingTitle: 'No drum model in the manifest',
    missingMessage: `models/manifest.toml lists no "${DRUMS_MODEL_ID}" model: hits and beats cannot be made yet. Mixing works.`,
    hint: audioHintFor,
  });
}
