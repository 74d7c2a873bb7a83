import { describe, expect, it } from 'vitest';

import {
  drumsModel,
  faceModel,
  readyStatus,
  restyleModel,
  runtimeMissingStatus,
  stickerModel,
  textModel,
  voiceModel,
} from '../../test/backend';
import {
  animationHintFor,
  audioHintFor,
  drumsReadiness,
  faceReadiness,
  findFaceModel,
  hintFor,
  imageReadiness,
  modelsOfKind,
  needsSetup,
  restyleHintFor,
  restyleReadiness,
  textReadiness,
  voiceReadiness,
  writeHintFor,
} from './readiness';

describe('faceReadiness', () => {
  it('is ready when the runtime and the face model are loaded', () => {
    const readiness = faceReadiness({ kind: 'loaded', status: readyStatus() });
    expect(readiness.ready).toBe(true);
    expect(readiness.problem).toBeNull();
    expect(readiness.model?.id).toBe('dcgan-faces');
  });

  it('is not ready while loading, without a problem to show', () => {
    expect(faceReadiness({ kind: 'loading' })).toEqual({ ready: false, problem: null, model: null });
  });

  it('asks to open the app outside Tauri', () => {
    const readiness = faceReadiness({ kind: 'no-app' });
    expect(readiness.ready).toBe(false);
    expect(readiness.problem?.title).toBe('Open in the Postcraft Studio app');
  });

  it('explains a missing runtime and points at set-up', () => {
    const readiness = faceReadiness({ kind: 'loaded', status: runtimeMissingStatus() });
    expect(readiness.ready).toBe(false);
    expect(readiness.problem?.code).toBe('RUNTIME_MISSING');
    expect(readiness.problem?.message).toMatch(/not found/);
    expect(readiness.problem?.hint).toContain('./scripts/run');
  });

  it('explains a model that failed its hash check', () => {
    const status = readyStatus({
      models: [
        faceModel({
          loaded: false,
          error: { code: 'MODEL_HASH_MISMATCH', message: 'dcgan-faces.onnx does not match.' },
        }),
      ],
    });
    const readiness = faceReadiness({ kind: 'loaded', status });
    expect(readiness.ready).toBe(false);
    expect(readiness.problem).toMatchObject({
      code: 'MODEL_HASH_MISMATCH',
      message: 'dcgan-faces.onnx does not match.',
    });
    expect(readiness.problem?.hint).toMatch(/Re-run set-up/);
  });

  it('is not ready when the manifest has no face model', () => {
    const readiness = faceReadiness({ kind: 'loaded', status: readyStatus({ models: [] }) });
    expect(readiness.ready).toBe(false);
    expect(readiness.problem?.title).toMatch(/No face model/);
  });

  it('is not ready when the model is listed but not loaded', () => {
    const status = readyStatus({ models: [faceModel({ loaded: false })] });
    expect(faceReadiness({ kind: 'loaded', status }).ready).toBe(false);
  });

  it('is not ready when the status could not be read', () => {
    const readiness = faceReadiness({
      kind: 'failed',
      error: { code: 'INTERNAL', message: 'boom' },
    });
    expect(readiness.ready).toBe(false);
    expect(readiness.problem?.message).toBe('boom');
  });
});

describe('findFaceModel', () => {
  it('falls back to the first image GAN when the id differs', () => {
    const status = readyStatus({
      models: [
        faceModel({ id: 'tiny-llm', kind: 'text-generation', name: 'Text' }),
        faceModel({ id: 'faces-v2', name: 'Faces v2' }),
      ],
    });
    expect(findFaceModel(status)?.id).toBe('faces-v2');
  });
});

describe('hints', () => {
  it.each(['RUNTIME_MISSING', 'MODEL_MISSING', 'MODEL_HASH_MISMATCH'] as const)(
    '%s asks to re-run set-up',
    (code) => {
      expect(needsSetup(code)).toBe(true);
      expect(hintFor(code)).toMatch(/Re-run set-up.*\.\/scripts\/run/);
    },
  );

  it('does not send people to set-up for a cancelled or unknown job', () => {
    expect(needsSetup('JOB_NOT_FOUND')).toBe(false);
    expect(hintFor('JOB_NOT_FOUND')).toBeNull();
    expect(hintFor('INFERENCE_FAILED')).toMatch(/Try again/);
  });
});

describe('textReadiness', () => {
  it('is ready when the runtime and the text model are loaded', () => {
    const r = textReadiness({ kind: 'loaded', status: readyStatus() });
    expect(r.ready).toBe(true);
    expect(r.model?.id).toBe('smollm2-135m');
  });

  it('explains a text model that is missing, with the set-up hint', () => {
    const status = readyStatus({
      models: [faceModel(), textModel({ loaded: false, error: { code: 'MODEL_MISSING', message: 'smollm2-135m.onnx is missing.' } })],
    });
    const r = textReadiness({ kind: 'loaded', status });
    expect(r.ready).toBe(false);
    expect(r.problem).toMatchObject({ title: 'SmolLM2 135M Instruct is not available', code: 'MODEL_MISSING' });
    expect(r.problem?.hint).toContain('./scripts/run');
    // The face model is unaffected.
    expect(faceReadiness({ kind: 'loaded', status }).ready).toBe(true);
  });

  it('is not ready when the manifest has no text model', () => {
    const r = textReadiness({ kind: 'loaded', status: readyStatus({ models: [faceModel()] }) });
    expect(r.problem?.title).toBe('No text model in the manifest');
  });

  it('gives writing hints, not face hints', () => {
    expect(writeHintFor('INVALID_REQUEST')).toBeNull();
    expect(writeHintFor('INFERENCE_FAILED')).toContain('fewer variants');
  });
});

describe('imageReadiness', () => {
  it('checks the chosen model by its id', () => {
    const broken = { code: 'MODEL_INVALID' as const, message: 'dcgan-stickers.onnx has the wrong outputs' };
    const state = { kind: 'loaded' as const, status: readyStatus({ models: [faceModel(), stickerModel({ loaded: false, error: broken })] }) };
    expect(imageReadiness(state, 'dcgan-faces').ready).toBe(true);
    const stickers = imageReadiness(state, 'dcgan-stickers');
    expect(stickers.ready).toBe(false);
    expect(stickers.problem).toMatchObject({ title: 'Stickers (DCGAN, 64x64, transparent) is not available', code: 'MODEL_INVALID' });
    expect(stickers.problem?.hint).toContain('./scripts/run');
    const unknown = imageReadiness(state, 'my-gan');
    expect(unknown.problem?.message).toBe('models/manifest.toml lists no "my-gan" model.');
  });

  it('lists the models of a kind once the status is in', () => {
    expect(modelsOfKind({ kind: 'loading' }, 'image-gan')).toEqual([]);
    expect(modelsOfKind({ kind: 'loaded', status: readyStatus() }, 'image-gan').map((m) => m.id)).toEqual([
      'dcgan-faces',
      'dcgan-stickers',
    ]);
  });
});

describe('restyleReadiness', () => {
  it('is ready when the runtime and the chosen restyle model are loaded', () => {
    const state = { kind: 'loaded' as const, status: readyStatus() };
    expect(restyleReadiness(state, 'restyle-cartoon')).toMatchObject({ ready: true, model: { id: 'restyle-cartoon' } });
    expect(restyleReadiness(state, 'restyle-photo').ready).toBe(true);
  });

  it('explains a missing runtime or model', () => {
    const runtime = restyleReadiness({ kind: 'loaded', status: runtimeMissingStatus() }, 'restyle-cartoon');
    expect(runtime.problem?.code).toBe('RUNTIME_MISSING');
    const missing = { code: 'MODEL_MISSING' as const, message: 'restyle-photo.onnx is missing' };
    const model = restyleReadiness(
      { kind: 'loaded', status: readyStatus({ models: [restyleModel('restyle-photo', { loaded: false, error: missing })] }) },
      'restyle-photo',
    );
    expect(model.problem).toMatchObject({ message: 'restyle-photo.onnx is missing', code: 'MODEL_MISSING' });
    expect(restyleReadiness({ kind: 'no-app' }, 'restyle-photo').problem?.message).toContain('photos and clips are restyled');
  });

  it('gives restyle and animation hints', () => {
    expect(restyleHintFor('MEDIA_INVALID')).toContain('Pick a photo');
    expect(restyleHintFor('MODEL_MISSING')).toContain('./scripts/run');
    expect(restyleHintFor('INVALID_REQUEST')).toBeNull();
    expect(animationHintFor('IO')).toContain("output file's folder");
    expect(animationHintFor('INVALID_REQUEST')).toBeNull();
  });
});

describe('voiceReadiness and drumsReadiness', () => {
  it('finds the voice by id, else the first speech model', () => {
    const state = { kind: 'loaded', status: readyStatus({ models: [faceModel(), voiceModel({ id: 'piper-amy' })] }) } as const;
    expect(voiceReadiness(state, '').model?.id).toBe('piper-amy');
    expect(voiceReadiness(state, 'piper-amy').ready).toBe(true);
    const missing = voiceReadiness(state, 'piper-joe-medium');
    expect(missing.ready).toBe(false);
    expect(missing.problem?.message).toContain('"piper-joe-medium"');
  });

  it('explains a voice that failed its check, and no voice at all', () => {
    const error = { code: 'MODEL_HASH_MISMATCH' as const, message: 'piper-joe-medium.onnx does not match.' };
    const broken = voiceReadiness({ kind: 'loaded', status: readyStatus({ models: [voiceModel({ loaded: false, error })] }) }, 'piper-joe-medium');
    expect(broken.problem?.code).toBe('MODEL_HASH_MISMATCH');
    expect(broken.problem?.hint).toContain('Re-run set-up');
    const none = voiceReadiness({ kind: 'loaded', status: readyStatus({ models: [faceModel()] }) }, '');
    expect(none.problem?.title).toBe('No voice in the manifest');
  });

  it('needs the drum model for hits and beats, and says mixing works without it', () => {
    expect(drumsReadiness({ kind: 'loaded', status: readyStatus() }).ready).toBe(true);
    expect(drumsReadiness({ kind: 'loaded', status: readyStatus({ models: [drumsModel({ id: 'drums-v2' })] }) }).model?.id).toBe('drums-v2');
    const none = drumsReadiness({ kind: 'loaded', status: readyStatus({ models: [faceModel()] }) });
    expect(none.ready).toBe(false);
    expect(none.problem?.message).toContain('Mixing works');
    expect(drumsReadiness({ kind: 'loaded', status: runtimeMissingStatus() }).problem?.code).toBe('RUNTIME_MISSING');
  });

  it('gives sound hints: espeak-ng for TOOL_MISSING, set-up for models', () => {
    expect(audioHintFor('TOOL_MISSING')).toContain('espeak-ng');
    expect(audioHintFor('MODEL_MISSING')).toBe(hintFor('MODEL_MISSING'));
    expect(audioHintFor('AUDIO_DEVICE_UNAVAILABLE')).toBeNull();
  });
});
