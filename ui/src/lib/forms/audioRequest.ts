/**
 * The Voice and Sound tools' forms: the creator's settings in, the engine's requests out (speak,
 * hits, beat, mix), with the words for what is wrong. The beat presets and the step grid live
 * here too.
 */
import {
  MAX_SPEECH_CHARS,
  type BeatLane,
  type GenerateHitsRequest,
  type MakeBeatRequest,
  type MixRequest,
  type SpeakRequest,
} from '../ipc';
import { parseSeed, type Parsed } from './imageRequest';

export { MAX_SPEECH_CHARS };

// ---------------------------------------------------------------------------------------------
// Voice

/** Speed: 0.5 (half as fast) to 2 (twice as fast); the engine takes its inverse (`lengthScale`). */
export const MIN_SPEED = 0.5;
export const MAX_SPEED = 2;
export const DEFAULT_SPEED = 1;

/**
 * Expressiveness 0 (flat, the same every time) to 1 (lively); 0.5 is the voice's own defaults
 * (Piper's noise scale 0.667 and noise w 0.8), 1 twice those.
 */
export const DEFAULT_EXPRESSIVENESS = 0.5;
export const VOICE_NOISE_SCALE = 0.667;
export const VOICE_NOISE_W = 0.8;

/** Seconds of silence between sentences. */
export const MAX_SENTENCE_PAUSE = 1.5;
export const DEFAULT_SENTENCE_PAUSE = 0.2;

const round4 = (value: number) => Math.round(value * 10_000) / 10_000;

/** The voice's scales for a speed and an expressiveness (both as the sliders give them). */
export function speechScales(speed: number, expressiveness: number): Pick<SpeakRequest, 'lengthScale' | 'noiseScale' | 'noiseW'> {
  const s = Math.min(MAX_SPEED, Math.max(MIN_SPEED, speed));
  const v = Math.min(1, Math.max(0, expressiveness));
  return {
    lengthScale: round4(1 / s),
    noiseScale: round4(VOICE_NOISE_SCALE * 2 * v),
    noiseW: round4(VOICE_NOISE_W * 2 * v),
  };
}

/** Characters as the engine counts them (code points). */
export function speechLength(text: string): number {
  return [...text].length;
}

export interface VoiceForm {
  text: string;
  /** Manifest id of the voice ('' : the engine's default). */
  voice: string;
  speed: number;
  expressiveness: number;
  pause: number;
  play: boolean;
}

export type Built<T> = { ok: true; request: T } | { ok: false; message: string };

export function buildSpeakRequest(form: VoiceForm): Built<SpeakRequest> {
  if (!/[\p{L}\p{N}]/u.test(form.text)) return { ok: false, message: 'Enter the words to speak.' };
  const length = speechLength(form.text);
  if (length > MAX_SPEECH_CHARS) {
    return {
      ok: false,
      message: `The text is ${length.toLocaleString('en-US')} characters; at most ${MAX_SPEECH_CHARS.toLocaleString('en-US')} are spoken at once: split it.`,
    };
  }
  return {
    ok: true,
    request: {
      text: form.text,
      ...(form.voice ? { voice: form.voice } : {}),
      ...speechScales(form.speed, form.expressiveness),
      sentenceSilence: round4(Math.min(MAX_SENTENCE_PAUSE, Math.max(0, form.pause))),
      play: form.play,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Hits

/** The kinds the drum model makes, in its order. */
export const DRUM_KINDS = ['kick', 'snare', 'hat', 'clap', 'tom', 'cymbal', 'perc'] as const;
export type DrumKind = (typeof DRUM_KINDS)[number];

export const DRUM_KIND_LABELS: Record<DrumKind, string> = {
  kick: 'Kick',
  snare: 'Snare',
  hat: 'Hi-hat',
  clap: 'Clap',
  tom: 'Tom',
  cymbal: 'Cymbal',
  perc: 'Percussion',
};

export const MAX_HITS = 64;
export const DEFAULT_HIT_COUNT = 4;

function parseWhole(text: string, what: string, min: number, max: number): Parsed {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, message: `Enter a ${what}.` };
  if (!/^[+-]?\d+$/.test(trimmed)) return { ok: false, message: `The ${what} must be a whole number.` };
  const value = Number(trimmed);
  if (value < min || value > max) return { ok: false, message: `The ${what} must be from ${min} to ${max}.` };
  return { ok: true, value };
}

export function parseHitCount(text: string): Parsed {
  return parseWhole(text, 'count', 1, MAX_HITS);
}

/** The words for a drum kind ("hat" is "Hi-hat"); an unknown kind as it is. */
export function drumKindLabel(kind: string): string {
  return (DRUM_KIND_LABELS as Record<string, string | undefined>)[kind] ?? kind;
}

export type BuiltHits =
  | { ok: true; request: GenerateHitsRequest }
  | { ok: false; errors: Partial<Record<'count' | 'seed', string>> };

export function buildHitsRequest(kind: DrumKind, countText: string, seedText: string): BuiltHits {
  const count = parseHitCount(countText);
  const seed = parseSeed(seedText);
  if (!count.ok || !seed.ok) {
    return {
      ok: false,
      errors: { ...(count.ok ? {} : { count: count.message }), ...(seed.ok ? {} : { seed: seed.message }) },
    };
  }
  return { ok: true, request: { kind, count: count.value, seed: seed.value } };
}

// ---------------------------------------------------------------------------------------------
// Beat

export const STEPS_PER_BAR = 16;
export const MIN_BPM = 40;
export const MAX_BPM = 240;
export const DEFAULT_BPM = 100;
export const MAX_BARS = 64;
export const DEFAULT_BARS = 4;
export const MAX_SWING = 0.6;

/** The lanes of the step grid. */
export const GRID_KINDS = ['kick', 'snare', 'hat', 'clap'] as const;
export type GridKind = (typeof GRID_KINDS)[number];

export const BEAT_PRESETS = [
  { id: 'four-on-the-floor', label: 'Four on the floor' },
  { id: 'backbeat', label: 'Backbeat' },
  { id: 'hip-hop', label: 'Hip-hop' },
  { id: 'half-time', label: 'Half-time' },
  { id: 'breakbeat', label: 'Breakbeat' },
] as const;
export type BeatPreset = (typeof BEAT_PRESETS)[number]['id'];
export const DEFAULT_PRESET: BeatPreset = 'backbeat';

/**
 * The first bar of each preset, as the engine writes them (crates/audio sequencer: 'X' accent,
 * 'x' normal, 'o' ghost, '.' off): what the grid shows before it is edited.
 */
const PRESET_BARS: Record<BeatPreset, Partial<Record<GridKind, string>>> = {
  'four-on-the-floor': { kick: 'X...X...X...X...', clap: '....X.......X...', hat: '..x...x...x...x.' },
  backbeat: { kick: 'X.......X.x.....', snare: '....X.......X...', hat: 'x.x.x.x.x.x.x.x.' },
  'hip-hop': { kick: 'X..o......X.x...', snare: '....X..o....X...', hat: 'x.o.x.o.x.o.x.ox' },
  'half-time': { kick: 'X.........x.....', snare: '........X.......', hat: 'x.x.x.x.x.x.x.x.' },
  breakbeat: { kick: 'X.X.......xX....', snare: '....X..o.o..X..o', hat: 'x.x.x.x.x.x.x.x.' },
};

/** Which steps of each lane play. */
export type BeatGrid = Record<GridKind, readonly boolean[]>;

export function emptyGrid(): BeatGrid {
  const off = () => Array.from({ length: STEPS_PER_BAR }, () => false);
  return { kick: off(), snare: off(), hat: off(), clap: off() };
}

/** The grid of a preset's first bar (any hit, accent or ghost, is on). */
export function presetGrid(preset: BeatPreset): BeatGrid {
  const bar = PRESET_BARS[preset];
  const grid = emptyGrid();
  for (const kind of GRID_KINDS) {
    const steps = bar[kind];
    if (steps) grid[kind] = [...steps].map((c) => c !== '.');
  }
  return grid;
}

/** The grid with one step switched. */
export function toggleStep(grid: BeatGrid, kind: GridKind, step: number): BeatGrid {
  return { ...grid, [kind]: grid[kind].map((on, i) => (i === step ? !on : on)) };
}

/** The grid as the engine's lanes: one bar per lane, velocity 1 on, 0 off; silent lanes left out. */
export function gridLanes(grid: BeatGrid): BeatLane[] {
  return GRID_KINDS.filter((kind) => grid[kind].some(Boolean)).map((kind) => ({
    kind,
    steps: grid[kind].map((on) => (on ? 1 : 0)),
  }));
}

export interface BeatForm {
  preset: BeatPreset;
  /** The creator's own grid; null: the preset plays. */
  custom: BeatGrid | null;
  bpm: string;
  bars: string;
  swing: number;
  seed: string;
}

export type BeatField = 'bpm' | 'bars' | 'seed' | 'grid';

export type BuiltBeat = { ok: true; request: MakeBeatRequest } | { ok: false; errors: Partial<Record<BeatField, string>> };

export function parseBpm(text: string): Parsed {
  return parseWhole(text, 'tempo', MIN_BPM, MAX_BPM);
}

export function parseBars(text: string): Parsed {
  return parseWhole(text, 'number of bars', 1, MAX_BARS);
}

export function buildBeatRequest(form: BeatForm): BuiltBeat {
  const errors: Partial<Record<BeatField, string>> = {};
  const bpm = parseBpm(form.bpm);
  const bars = parseBars(form.bars);
  const seed = parseSeed(form.seed);
  if (!bpm.ok) errors.bpm = bpm.message;
  if (!bars.ok) errors.bars = bars.message;
  if (!seed.ok) errors.seed = seed.message;
  const lanes = form.custom ? gridLanes(form.custom) : [];
  if (form.custom && lanes.length === 0) errors.grid = 'Switch on at least one step, or pick a preset.';
  if (!bpm.ok || !bars.ok || !seed.ok || errors.grid) return { ok: false, errors };
  return {
    ok: true,
    request: {
      preset: form.preset,
      lanes,
      bpm: bpm.value,
      bars: bars.value,
      swing: round4(Math.min(MAX_SWING, Math.max(0, form.swing))),
      seed: seed.value,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Mix

export const MAX_DUCKING_DB = 24;
export const DEFAULT_DUCKING_DB = 10;
export const MIN_BED_GAIN_DB = -30;
export const DEFAULT_BED_GAIN_DB = -12;
export const DEFAULT_VOICE_START = 0.5;
export const MAX_VOICE_START = 60;
export const MAX_FADE_SECONDS = 5;
export const DEFAULT_FADE_IN = 0.5;
export const DEFAULT_FADE_OUT = 1.5;

export interface MixForm {
  voice: number | null;
  bed: number | null;
  voiceStart: string;
  duckingDb: number;
  bedGainDb: number;
  fadeIn: number;
  fadeOut: number;
}

/** Seconds typed: a number from 0 to `max`, tenths allowed. */
export function parseSeconds(text: string, max: number): Parsed {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, message: 'Enter when the voice starts, in seconds.' };
  const value = Number(trimmed);
  if (!Number.isFinite(value) || !/^\d*\.?\d*$/.test(trimmed)) {
    return { ok: false, message: 'The voice start must be a number of seconds.' };
  }
  if (value > max) return { ok: false, message: `The voice start must be from 0 to ${max} seconds.` };
  return { ok: true, value };
}

export function buildMixRequest(form: MixForm): Built<MixRequest> {
  if (form.voice === null && form.bed === null) {
    return { ok: false, message: 'Choose a voiceover, a bed or both.' };
  }
  const start = parseSeconds(form.voiceStart, MAX_VOICE_START);
  if (!start.ok) return start;
  return {
    ok: true,
    request: {
      ...(form.voice !== null ? { voice: form.voice } : {}),
      ...(form.bed !== null ? { bed: form.bed } : {}),
      voiceOffsetSeconds: start.value,
      duckingDb: form.duckingDb,
      bedGainDb: form.bedGainDb,
      fadeInSeconds: form.fadeIn,
      fadeOutSeconds: form.fadeOut,
    },
  };
}
