import { describe, expect, it, vi } from 'vitest';

import type { PlatformInfo } from '../ipc';
import { PLATFORMS } from '../../test/backend';
import { PlatformList } from './platformList.svelte';
import { findPlatform, platformOfPreset } from './platforms';

describe('findPlatform', () => {
  it('finds a platform as the engine does', () => {
    expect(findPlatform('youtube', PLATFORMS)?.id).toBe('youtube-shorts');
    expect(findPlatform('X', PLATFORMS)?.id).toBe('x');
    expect(findPlatform('myspace', PLATFORMS)).toBeNull();
    expect(findPlatform('', PLATFORMS)).toBeNull();
    expect(findPlatform('x', [])).toBeNull();
  });
});

describe('platformOfPreset', () => {
  it("is the platform whose presets name it (the engine's list)", () => {
    expect(platformOfPreset('tiktok', PLATFORMS)?.id).toBe('tiktok');
    expect(platformOfPreset('instagram-square', PLATFORMS)?.id).toBe('instagram');
    expect(platformOfPreset('youtube-shorts', PLATFORMS)?.id).toBe('youtube-shorts');
    expect(platformOfPreset('x-landscape', PLATFORMS)?.id).toBe('x');
    expect(platformOfPreset('myspace-square', PLATFORMS)).toBeNull();
    expect(platformOfPreset(null, PLATFORMS)).toBeNull();
    expect(platformOfPreset('tiktok', [])).toBeNull();
  });
});

describe('PlatformList', () => {
  it('asks the engine once and keeps the list', async () => {
    const platformsList = vi.fn(() => Promise.resolve(structuredClone(PLATFORMS) as PlatformInfo[]));
    const platforms = new PlatformList({ platformsList }, () => true);
    expect(platforms.list).toEqual([]);
    await Promise.all([platforms.load(), platforms.load()]);
    await platforms.load();
    expect(platformsList).toHaveBeenCalledTimes(1);
    expect(platforms.list.map((p) => p.id)).toContain('bluesky');
    expect(platforms.error).toBeNull();
  });

  it('keeps the error of a failed request and asks again on the next load', async () => {
    const platformsList = vi
      .fn()
      .mockRejectedValueOnce({ code: 'INTERNAL', message: 'the engine task stopped' })
      .mockResolvedValueOnce(structuredClone(PLATFORMS));
    const platforms = new PlatformList({ platformsList }, () => true);
    await platforms.load();
    expect(platforms.error).toEqual({ code: 'INTERNAL', message: 'the engine task stopped' });
    expect(platforms.list).toEqual([]);
    await platforms.load();
    expect(platforms.error).toBeNull();
    expect(platforms.list).toHaveLength(PLATFORMS.length);
  });

  it('asks nothing outside the app', async () => {
    const platformsList = vi.fn();
    await new PlatformList({ platformsList }, () => false).load();
    expect(platformsList).not.toHaveBeenCalled();
  });
});
