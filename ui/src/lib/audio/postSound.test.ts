import { describe, expect, it } from 'vitest';

import type { PostAudio } from '../ipc';
import {
  DEFAULT_POST_MIX,
  hasSound,
  importErrorText,
  isSoundFile,
  mixOf,
  needsSound,
  withMix,
  withoutTrack,
} from './postSound';

const voice = { asset: 'assets/voice-a.wav', label: 'Voice: a', durationSeconds: 2 };
const bed = { asset: 'assets/bed-b.wav', label: 'Beat', durationSeconds: 8 };
const mix = { voiceOffsetSeconds: 1, duckingDb: 12, bedGainDb: -18, fadeInSeconds: 0, fadeOutSeconds: 2 };
const both: PostAudio = { voice, bed, mix };

describe('the post sound helpers', () => {
  it('tells whether the post has sound', () => {
    expect(hasSound(undefined)).toBe(false);
    expect(hasSound({ mix })).toBe(false);
    expect(hasSound({ voice, mix })).toBe(true);
    expect(hasSound({ bed, mix })).toBe(true);
  });

  it("reads the mix, or the engine's defaults", () => {
    expect(mixOf(null)).toEqual(DEFAULT_POST_MIX);
    expect(mixOf(both)).toEqual(mix);
  });

  it('removes one track, keeping the other and the mix', () => {
    expect(withoutTrack(both, 'voice')).toEqual({ bed, mix });
    expect(withoutTrack(both, 'bed')).toEqual({ voice, mix });
    expect(withoutTrack({ voice, mix }, 'voice')).toEqual({ mix });
  });

  it('changes mix settings, clamped to what the engine accepts', () => {
    expect(withMix(both, { duckingDb: 20 })).toEqual({ voice, bed, mix: { ...mix, duckingDb: 20 } });
    expect(withMix(both, { bedGainDb: -90, fadeOutSeconds: 45 }).mix).toMatchObject({ bedGainDb: -60, fadeOutSeconds: 30 });
    expect(withMix(both, { voiceOffsetSeconds: Number.NaN }).mix.voiceOffsetSeconds).toBe(1);
    expect(withMix(null, { fadeInSeconds: 1 })).toEqual({ mix: { ...DEFAULT_POST_MIX, fadeInSeconds: 1 } });
  });

  it('knows which export formats need sound', () => {
    expect(['png', 'jpeg', 'wav', 'mp4'].map((f) => needsSound(f as 'png'))).toEqual([false, false, true, true]);
  });

  it('takes sound files (and clips) by their extension', () => {
    for (const path of ['/a/b.wav', 'C:\\music\\bed.FLAC', '/x.mp3', '/x.ogg', '/x.m4a', '/x.mp4', '/x.MOV']) {
      expect(isSoundFile(path)).toBe(true);
    }
    for (const path of ['/notes.txt', '/photo.png', '/wav', '/.mp3', '/clip.webm']) expect(isSoundFile(path)).toBe(false);
  });

  it('says why a file could not be imported', () => {
    expect(importErrorText('/m/broken.mp3', { code: 'MEDIA_INVALID', message: 'x' })).toBe(
      'broken.mp3 is not a sound the studio can read.',
    );
    expect(importErrorText('/m/gone.wav', { code: 'IO', message: 'x' })).toBe('gone.wav could not be read.');
    expect(importErrorText('/m/a.wav', { code: 'INTERNAL', message: 'x' })).toBe('a.wav could not be imported.');
  });
});
