/**
 * The models the Image and Restyle tools offer, with the words the UI uses for them. The
 * manifest (app_status) is the authority on what is installed; these are the choices the tools
 * know how to describe, shown even before the status is in (a missing one then explains itself).
 */
import type { ModelStatus } from './ipc';
import { FACE_MODEL_ID, STICKER_MODEL_ID } from './status/readiness';

export interface ModelChoice {
  /** Manifest id. */
  id: string;
  /** The picker's label. */
  label: string;
}

/** An image generator, with what one of its images is called ("3 faces", "1 sticker"). */
export interface ImageModelChoice extends ModelChoice {
  one: string;
  many: string;
  /** What to know before using its images, beyond the licence line. */
  caution?: string;
}

const KNOWN_IMAGE_MODELS: readonly ImageModelChoice[] = [
  {
    id: FACE_MODEL_ID,
    label: 'Faces',
    one: 'face',
    many: 'faces',
    caution: 'Its training data may be for research only: check before commercial use.',
  },
  { id: STICKER_MODEL_ID, label: 'Stickers', one: 'sticker', many: 'stickers' },
];

export const RESTYLE_CARTOON_ID = 'restyle-cartoon';
export const RESTYLE_PHOTO_ID = 'restyle-photo';

/** The restyle directions (both halves of one CycleGAN). */
export const RESTYLE_MODELS: readonly ModelChoice[] = [
  { id: RESTYLE_CARTOON_ID, label: 'Photo → clip-art' },
  { id: RESTYLE_PHOTO_ID, label: 'Clip-art → photo' },
];

/** The image model `id` as the UI names it (an unknown one by its id, its images "images"). */
export function imageModel(id: string): ImageModelChoice {
  return KNOWN_IMAGE_MODELS.find((m) => m.id === id) ?? { id, label: id, one: 'image', many: 'images' };
}

/**
 * The Image tool's choices: the known generators, then any other `image-gan` model the manifest
 * lists (`installed`, from app_status), by its manifest name.
 */
export function imageModelChoices(installed: readonly ModelStatus[]): ImageModelChoice[] {
  const extra = installed
    .filter((m) => !KNOWN_IMAGE_MODELS.some((k) => k.id === m.id))
    .map((m) => ({ id: m.id, label: m.name, one: 'image', many: 'images' }));
  return [...KNOWN_IMAGE_MODELS, ...extra];
}
