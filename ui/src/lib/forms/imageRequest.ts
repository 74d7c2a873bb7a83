/**
 * Validation of the Image tool's forms (generate, upscale, animate): text in, a number or a
 * message out; and the requests they make.
 */
import {
  MAX_ANIMATION_FPS,
  MAX_ANIMATION_FRAMES,
  MAX_FACE_COUNT,
  MAX_SEED,
  MAX_UPSCALE_SIDE,
  type AnimationFormat,
  type GenerateImagesRequest,
  type InterpolateRequest,
  type Upscale,
} from '../ipc';
import type { ImageSource } from '../jobs/imageJobState';

export const DEFAULT_FACE_COUNT = 8;
export const DEFAULT_SEED = 42;

/** "Upscale to post size": the longer side of the 1080 px presets, with some sharpening. */
export const DEFAULT_UPSCALE_SIDE = 1080;
export const DEFAULT_SHARPEN = 0.5;

/** How far the Vary buttons move from the chosen image (0: the same, 1: unrelated). */
export const VARY_STRENGTHS = { subtle: 0.2, strong: 0.5 } as const;
export type VaryStrength = keyof typeof VARY_STRENGTHS;

/** The engine's limits of an animation (frames 2 to the maximum, 1 fps to the maximum). */
export { MAX_ANIMATION_FPS, MAX_ANIMATION_FRAMES, MAX_UPSCALE_SIDE };
export const DEFAULT_ANIMATION_FRAMES = 24;
export const DEFAULT_ANIMATION_FPS = 12;

export type Parsed = { ok: true; value: number } | { ok: false; message: string };

function parseWholeNumber(text: string, what: string, min: number, max: number): Parsed {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, message: `Enter a ${what}.` };
  if (!/^[+-]?\d+$/.test(trimmed)) {
    return { ok: false, message: `The ${what} must be a whole number.` };
  }
  const value = Number(trimmed);
  if (value < min || value > max || !Number.isSafeInteger(value)) {
    return {
      ok: false,
      message: `The ${what} must be from ${min} to ${max.toLocaleString('en-US')}.`,
    };
  }
  return { ok: true, value };
}

export function parseCount(text: string): Parsed {
  return parseWholeNumber(text, 'count', 1, MAX_FACE_COUNT);
}

export function parseSeed(text: string): Parsed {
  return parseWholeNumber(text, 'seed', 0, MAX_SEED);
}

/** The longer side of upscaled images, in pixels. */
export function parseUpscaleSide(text: string): Parsed {
  return parseWholeNumber(text, 'size', 1, MAX_UPSCALE_SIDE);
}

export function parseFrames(text: string): Parsed {
  return parseWholeNumber(text, 'number of frames', 2, MAX_ANIMATION_FRAMES);
}

export function parseFps(text: string): Parsed {
  return parseWholeNumber(text, 'frame rate', 1, MAX_ANIMATION_FPS);
}

/** A uniformly random seed in 0..=MAX_SEED (53 bits). */
export function randomSeed(random: () => Uint32Array = () => crypto.getRandomValues(new Uint32Array(2))): number {
  const [high = 0, low = 0] = random();
  return (high & 0x1f_ffff) * 2 ** 32 + low;
}

export type ParsedUpscale = { ok: true; value: Upscale | undefined } | { ok: false; message: string };

/** The upscale part of a request: none when off, else the side (checked) and the sharpening. */
export function parseUpscale(on: boolean, sideText: string, sharpen: number): ParsedUpscale {
  if (!on) return { ok: true, value: undefined };
  const side = parseUpscaleSide(sideText);
  return side.ok ? { ok: true, value: { longest: side.value, sharpen } } : side;
}

/** Variations of `source` (a seed's image): image `i` of the job is variation `i`. */
export function varyRequest(
  source: ImageSource,
  strength: VaryStrength,
  count: number,
  upscale: Upscale | undefined,
): GenerateImagesRequest {
  return {
    model: source.model,
    count,
    seed: source.seed,
    vary: { index: source.index, strength: VARY_STRENGTHS[strength] },
    ...(upscale ? { upscale } : {}),
  };
}

/** "face 3 of seed 42" as a file-name part: `42-2` (seed, index). */
const namePart = (s: ImageSource) => `${s.seed}-${s.index}${s.variation ? `-v${s.variation.number}` : ''}`;

/**
 * Where an animation goes unless the creator says otherwise: in the open project's folder (which
 * exists), `<model>-<seed>-<index>-to-<seed>-<index>.<ext>`; empty without a project (the creator
 * types a path).
 */
export function suggestedAnimationPath(
  projectDir: string | null,
  from: ImageSource,
  to: ImageSource,
  format: AnimationFormat,
): string {
  if (!projectDir) return '';
  const separator = projectDir.includes('\\') && !projectDir.includes('/') ? '\\' : '/';
  const dir = projectDir.replace(/[\\/]+$/, '');
  return `${dir}${separator}${from.model}-${namePart(from)}-to-${namePart(to)}.${format}`;
}

/** One end of an animation: the image's address (model, seed, index) and how to show it. */
export interface AnimationEnd {
  source: ImageSource;
  url: string;
  name: string;
}

/** What an animation form holds, as text where the creator types. */
export interface AnimationForm {
  from: ImageSource | null;
  to: ImageSource | null;
  frames: string;
  fps: string;
  pingPong: boolean;
  format: AnimationFormat;
  output: string;
  upscale: Upscale | undefined;
}

/** The request, or why the form cannot make one yet (one message: the first that applies). */
export function buildInterpolateRequest(
  form: AnimationForm,
): { ok: true; request: InterpolateRequest } | { ok: false; message: string } {
  const { from, to } = form;
  if (!from || !to) return { ok: false, message: 'Choose a start and an end image.' };
  if (from.model !== to.model) return { ok: false, message: 'Both ends must come from the same model.' };
  const frames = parseFrames(form.frames);
  if (!frames.ok) return frames;
  const fps = parseFps(form.fps);
  if (!fps.ok) return fps;
  const output = form.output.trim();
  if (output === '') return { ok: false, message: 'Enter the file to write.' };
  return {
    ok: true,
    request: {
      model: from.model,
      fromSeed: from.seed,
      fromIndex: from.index,
      ...(from.variation ? { fromVariation: from.variation } : {}),
      toSeed: to.seed,
      toIndex: to.index,
      ...(to.variation ? { toVariation: to.variation } : {}),
      frames: frames.value,
      fps: fps.value,
      pingPong: form.pingPong,
      format: form.format,
      output,
      ...(form.upscale ? { upscale: form.upscale } : {}),
    },
  };
}
