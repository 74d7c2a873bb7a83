import { describe, expect, it } from 'vitest';

import {
  buildBeatRequest,
  buildHitsRequest,
  buildMixRequest,
  buildSpeakRequest,
  emptyGrid,
  gridLanes,
  presetGrid,
  speechScales,
  toggleStep,
  type BeatForm,
  type MixForm,
  type VoiceForm,
} from './audioRequest';

const VOICE: VoiceForm = { text: 'Hello there.', voice: 'piper-joe-medium', speed: 1, expressiveness: 0.5, pause: 0.2, play: true };

describe('speechScales', () => {
  it('is the voice defaults at speed 1 and expressiveness 0.5', () => {
    expect(speechScales(1, 0.5)).toEqual({ lengthScale: 1, noiseScale: 0.667, noiseW: 0.8 });
  });

  it('takes the inverse of the speed and scales the noise linearly, within range', () => {
    expect(speechScales(2, 0)).toEqual({ lengthScale: 0.5, noiseScale: 0, noiseW: 0 });
    expect(speechScales(0.5, 1)).toEqual({ lengthScale: 2, noiseScale: 1.334, noiseW: 1.6 });
    expect(speechScales(1.25, 0.25)).toEqual({ lengthScale: 0.8, noiseScale: 0.3335, noiseW: 0.4 });
    expect(speechScales(9, 3)).toEqual({ lengthScale: 0.5, noiseScale: 1.334, noiseW: 1.6 });
  });
});

describe('buildSpeakRequest', () => {
  it('makes the request, leaving the voice out when none is chosen', () => {
    expect(buildSpeakRequest(VOICE)).toEqual({
      ok: true,
      request: { text: 'Hello there.', voice: 'piper-joe-medium', lengthScale: 1, noiseScale: 0.667, noiseW: 0.8, sentenceSilence: 0.2, play: true },
    });
    const built = buildSpeakRequest({ ...VOICE, voice: '' });
    expect(built.ok && 'voice' in built.request).toBe(false);
  });

  it('needs words, and at most 5,000 characters', () => {
    expect(buildSpeakRequest({ ...VOICE, text: '  ... ' })).toEqual({ ok: false, message: 'Enter the words to speak.' });
    const long = buildSpeakRequest({ ...VOICE, text: 'é'.repeat(5001) });
    expect(long.ok).toBe(false);
    expect(buildSpeakRequest({ ...VOICE, text: 'é'.repeat(5000) }).ok).toBe(true);
    // Code points, as the engine counts: an emoji is one.
    expect(buildSpeakRequest({ ...VOICE, text: `a${'😀'.repeat(4999)}` }).ok).toBe(true);
  });
});

describe('buildHitsRequest', () => {
  it('checks the count (1 to 64) and the seed', () => {
    expect(buildHitsRequest('clap', '8', '3')).toEqual({ ok: true, request: { kind: 'clap', count: 8, seed: 3 } });
    expect(buildHitsRequest('clap', '0', '3')).toEqual({ ok: false, errors: { count: 'The count must be from 1 to 64.' } });
    expect(buildHitsRequest('clap', '2.5', '-1')).toEqual({
      ok: false,
      errors: { count: 'The count must be a whole number.', seed: 'The seed must be from 0 to 9,007,199,254,740,991.' },
    });
  });
});

describe('the beat grid', () => {
  it('shows a preset’s first bar, any hit on', () => {
    const grid = presetGrid('hip-hop');
    expect(grid.kick.map((on) => (on ? 'x' : '.')).join('')).toBe('x..x......x.x...');
    expect(grid.clap.some(Boolean)).toBe(false);
    expect(presetGrid('four-on-the-floor').clap.filter(Boolean)).toHaveLength(2);
  });

  it('toggles one step without touching the grid it came from', () => {
    const grid = presetGrid('backbeat');
    const next = toggleStep(grid, 'snare', 4);
    expect(grid.snare[4]).toBe(true);
    expect(next.snare[4]).toBe(false);
    expect(next.kick).toBe(grid.kick);
  });

  it('becomes lanes of velocity 1, silent lanes left out', () => {
    const grid = toggleStep(toggleStep(emptyGrid(), 'hat', 0), 'hat', 8);
    expect(gridLanes(grid)).toEqual([{ kind: 'hat', steps: [1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0] }]);
    expect(gridLanes(emptyGrid())).toEqual([]);
  });
});

describe('buildBeatRequest', () => {
  const FORM: BeatForm = { preset: 'backbeat', custom: null, bpm: '120', bars: '4', swing: 0.15, seed: '42' };

  it('sends a preset without lanes, or the custom grid as lanes', () => {
    expect(buildBeatRequest(FORM)).toEqual({
      ok: true,
      request: { preset: 'backbeat', lanes: [], bpm: 120, bars: 4, swing: 0.15, seed: 42 },
    });
    const custom = toggleStep(emptyGrid(), 'kick', 0);
    const built = buildBeatRequest({ ...FORM, custom });
    expect(built.ok && built.request.lanes).toEqual([{ kind: 'kick', steps: [1, ...Array<number>(15).fill(0)] }]);
  });

  it('checks tempo, bars, seed and an empty grid', () => {
    expect(buildBeatRequest({ ...FORM, bpm: '39', bars: '65', seed: 'x', custom: emptyGrid() })).toEqual({
      ok: false,
      errors: {
        bpm: 'The tempo must be from 40 to 240.',
        bars: 'The number of bars must be from 1 to 64.',
        seed: 'The seed must be a whole number.',
        grid: 'Switch on at least one step, or pick a preset.',
      },
    });
  });
});

describe('buildMixRequest', () => {
  const FORM: MixForm = { voice: 3, bed: 5, voiceStart: '0.5', duckingDb: 10, bedGainDb: -12, fadeIn: 0.5, fadeOut: 1.5 };

  it('sends the clips chosen and the settings', () => {
    expect(buildMixRequest(FORM)).toEqual({
      ok: true,
      request: { voice: 3, bed: 5, voiceOffsetSeconds: 0.5, duckingDb: 10, bedGainDb: -12, fadeInSeconds: 0.5, fadeOutSeconds: 1.5 },
    });
    const bedOnly = buildMixRequest({ ...FORM, voice: null });
    expect(bedOnly.ok && Object.keys(bedOnly.request)).not.toContain('voice');
  });

  it('needs something to mix and a voice start in seconds', () => {
    expect(buildMixRequest({ ...FORM, voice: null, bed: null })).toEqual({ ok: false, message: 'Choose a voiceover, a bed or both.' });
    expect(buildMixRequest({ ...FORM, voiceStart: '' }).ok).toBe(false);
    expect(buildMixRequest({ ...FORM, voiceStart: '1e3' }).ok).toBe(false);
    expect(buildMixRequest({ ...FORM, voiceStart: '61' })).toEqual({ ok: false, message: 'The voice start must be from 0 to 60 seconds.' });
    expect(buildMixRequest({ ...FORM, voiceStart: '.5' }).ok).toBe(true);
  });
});
