/**
 * The platforms a post's words are written for, as the engine lists them (`platforms_list`, held
 * by {@link PlatformList}): the UI keeps no copy of their names, limits or counting rules, and
 * counts nothing itself (the caption box asks the engine, see `TextCounter`).
 */
import type { PlatformInfo } from '../ipc';

/** A platform by id; like the engine, `youtube` finds `youtube-shorts` and case is ignored. */
export function findPlatform(id: string | null | undefined, platforms: readonly PlatformInfo[]): PlatformInfo | null {
  const key = (id ?? '').trim().toLowerCase();
  if (key === '') return null;
  return platforms.find((p) => p.id === key || p.id.split('-')[0] === key) ?? null;
}

/** The platform a canvas preset belongs to (its `presetIds` name it); null when none does. */
export function platformOfPreset(presetId: string | null | undefined, platforms: readonly PlatformInfo[]): PlatformInfo | null {
  if (!presetId) return null;
  return platforms.find((p) => p.presetIds.includes(presetId)) ?? null;
}
