/**
 * The platforms a post's words are written for: id (as `write_text` takes it), name, text limit
 * and how the platform counts characters. Mirrors `crates/core/data/platforms.toml` (a test
 * compares the two), because no command hands these to the UI yet.
 *
 * {@link countText} counts the caption box's text for its limit. The engine's count on each
 * written variant (`WriteVariant.count`) is the authority; this one agrees with it for plain
 * text, and for X approximates twitter-text (see {@link countText}).
 */
import type { PresetInfo } from '../ipc';

export type TextCounting = 'chars' | 'graphemes' | 'twitter';

export interface PlatformText {
  id: string;
  name: string;
  /** Longest post text, in the platform's own characters. */
  limit: number;
  counting: TextCounting;
}

export const PLATFORMS: readonly PlatformText[] = [
  { id: 'x', name: 'X', limit: 280, counting: 'twitter' },
  { id: 'instagram', name: 'Instagram', limit: 2200, counting: 'chars' },
  { id: 'tiktok', name: 'TikTok', limit: 2000, counting: 'chars' },
  { id: 'linkedin', name: 'LinkedIn', limit: 3000, counting: 'chars' },
  { id: 'threads', name: 'Threads', limit: 500, counting: 'chars' },
  { id: 'bluesky', name: 'Bluesky', limit: 300, counting: 'graphemes' },
  { id: 'mastodon', name: 'Mastodon', limit: 500, counting: 'chars' },
  { id: 'youtube-shorts', name: 'YouTube Shorts', limit: 5000, counting: 'chars' },
  { id: 'pinterest', name: 'Pinterest', limit: 500, counting: 'chars' },
  { id: 'facebook', name: 'Facebook', limit: 63206, counting: 'chars' },
];

/** A platform by id; like the engine, `youtube` finds `youtube-shorts` and case is ignored. */
export function findPlatform(id: string | null | undefined): PlatformText | null {
  const key = (id ?? '').trim().toLowerCase();
  if (key === '') return null;
  return PLATFORMS.find((p) => p.id === key || p.id.split('-')[0] === key) ?? null;
}

/**
 * The platform of a canvas preset: the preset list's answer, else the preset id's first word
 * (`instagram-portrait` -> `instagram`); null when neither is a known platform.
 */
export function platformOfPreset(presetId: string | null | undefined, presets: readonly PresetInfo[]): PlatformText | null {
  if (!presetId) return null;
  const preset = presets.find((p) => p.id === presetId);
  return findPlatform(preset?.platform) ?? findPlatform(presetId) ?? findPlatform(presetId.split('-')[0]);
}

type Segmenter = { segment(text: string): Iterable<{ segment: string }> };

/** Grapheme clusters (user-perceived characters); code points where Intl.Segmenter is missing. */
function graphemes(text: string): string[] {
  const Ctor = (Intl as unknown as { Segmenter?: new (locale?: string, options?: { granularity: 'grapheme' }) => Segmenter })
    .Segmenter;
  if (!Ctor) return [...text];
  return Array.from(new Ctor(undefined, { granularity: 'grapheme' }).segment(text), (s) => s.segment);
}

/** twitter-text v3: code points in these ranges weigh 1, all others 2. */
function twitterWeight(codePoint: number): number {
  const light =
    codePoint <= 0x10ff ||
    (codePoint >= 0x2000 && codePoint <= 0x200d) ||
    (codePoint >= 0x2010 && codePoint <= 0x201f) ||
    (codePoint >= 0x2032 && codePoint <= 0x2037);
  return light ? 1 : 2;
}

const EMOJI_PARTS = /\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20E3|\uFE0F/u;
/** URLs with a scheme or `www.` (twitter-text also finds bare domains; this does not). */
const URL = /\b(?:https?:\/\/|www\.)[^\s]+/giu;

function twitterPlain(text: string): number {
  let weight = 0;
  for (const g of graphemes(text)) {
    const points = [...g];
    if (points.length > 1 && EMOJI_PARTS.test(g)) weight += 2; // one emoji, however many code points
    else for (const p of points) weight += twitterWeight(p.codePointAt(0) ?? 0);
  }
  return weight;
}

function twitterCount(text: string): number {
  if ([...text].every((c) => c <= ' ')) return 0;
  const normalized = text.normalize('NFC');
  let weight = 0;
  let at = 0;
  for (const match of normalized.matchAll(URL)) {
    weight += twitterPlain(normalized.slice(at, match.index)) + 23;
    at = match.index + match[0].length;
  }
  return weight + twitterPlain(normalized.slice(at));
}

/**
 * How long `text` is as a platform counts it: code points (`chars`), graphemes, or X's weighting
 * (NFC; URLs with a scheme or `www.` count 23; CJK and most symbols 2; an emoji sequence 2; text
 * of only spaces 0).
 */
export function countText(text: string, counting: TextCounting): number {
  switch (counting) {
    case 'chars':
      return [...text].length;
    case 'graphemes':
      return graphemes(text).length;
    case 'twitter':
      return twitterCount(text);
  }
}
