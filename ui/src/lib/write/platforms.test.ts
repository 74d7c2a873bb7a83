import { readFileSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { PRESETS } from '../../test/backend';
import { countText, findPlatform, PLATFORMS, platformOfPreset } from './platforms';

/** id, name, text_limit and text_counting of every [[platform]] of the engine's data file. */
function enginePlatforms() {
  const file = path.resolve(import.meta.dirname, '../../../../crates/core/data/platforms.toml');
  const blocks = readFileSync(file, 'utf8').split(/^\[\[platform\]\]\s*$/m).slice(1);
  return blocks.map((block) => {
    const head = block.split(/^\[\[/m)[0] ?? '';
    const value = (key: string) => new RegExp(`^${key}\\s*=\\s*"?([^"\\n]*)"?`, 'm').exec(head)?.[1]?.trim();
    return {
      id: value('id'),
      name: value('name'),
      limit: Number(value('text_limit')),
      counting: value('text_counting'),
    };
  });
}

describe('platforms', () => {
  it('mirror the engine data file', () => {
    expect(PLATFORMS).toEqual(enginePlatforms());
  });

  it('are found as the engine finds them', () => {
    expect(findPlatform('youtube')?.id).toBe('youtube-shorts');
    expect(findPlatform('X')?.id).toBe('x');
    expect(findPlatform('myspace')).toBeNull();
    expect(findPlatform('')).toBeNull();
  });

  it("of a preset: the preset list's platform, else the id's first word", () => {
    expect(platformOfPreset('tiktok', PRESETS)?.id).toBe('tiktok');
    expect(platformOfPreset('instagram-square', [])?.id).toBe('instagram');
    expect(platformOfPreset('youtube-shorts', [])?.id).toBe('youtube-shorts');
    expect(platformOfPreset('x-landscape', [])?.id).toBe('x');
    expect(platformOfPreset(null, PRESETS)).toBeNull();
  });
});

describe('countText', () => {
  it('counts code points, graphemes, or X weights', () => {
    const family = '👨‍👩‍👧';
    expect(countText(`hi ${family}`, 'chars')).toBe(3 + 5);
    expect(countText(`hi ${family}`, 'graphemes')).toBe(4);
    expect(countText(`hi ${family}`, 'twitter')).toBe(3 + 2);
  });

  it('weighs X text as twitter-text does for the common cases', () => {
    expect(countText('Hello world', 'twitter')).toBe(11);
    expect(countText('日本語', 'twitter')).toBe(6);
    expect(countText('see https://example.com/a/very/long/path?q=1 now', 'twitter')).toBe(4 + 23 + 4);
    expect(countText('café', 'twitter')).toBe(4);
    expect(countText('cafe\u0301', 'twitter')).toBe(4); // NFC first
    expect(countText('   \n', 'twitter')).toBe(0);
    expect(countText('🇫🇷', 'twitter')).toBe(2);
    expect(countText('😀', 'twitter')).toBe(2);
  });
});
