/**
 * The Write panel's form: which fields each tool shows, validation with messages in words, and
 * the {@link WriteRequest} it sends. Pure.
 *
 * Fields a tool does not show are sent empty, so the request says exactly what the form shows
 * (the engine ignores them anyway). Limits are the engine's (crates/core/src/write_ipc.rs).
 */
import type { WriteRequest, WriteTool } from '../ipc';
import { parseSeed, type Parsed } from './imageRequest';

export const MAX_VARIANTS = 6;
export const DEFAULT_VARIANTS = 3;
/** Longest field, in UTF-8 bytes (a prompt must fit the model's context). */
export const MAX_FIELD_BYTES = 4000;

export type WriteField = 'topic' | 'keywords' | 'tone' | 'text' | 'shorter';

export interface WriteToolInfo {
  id: WriteTool;
  label: string;
  /** What it does, under the picker. */
  hint: string;
  fields: readonly WriteField[];
  /** The field it cannot do without. */
  needs: 'topic' | 'text';
  /** The label of the text field, for tools that show it. */
  textLabel?: string;
  textPlaceholder?: string;
}

export const WRITE_TOOLS: readonly WriteToolInfo[] = [
  {
    id: 'caption',
    label: 'Caption',
    hint: 'A short caption from a topic.',
    fields: ['topic', 'keywords', 'tone'],
    needs: 'topic',
  },
  {
    id: 'hashtags',
    label: 'Hashtags',
    hint: 'Hashtags for a topic, as many as the platform suits.',
    fields: ['topic'],
    needs: 'topic',
  },
  {
    id: 'draft',
    label: 'Thread / draft',
    hint: 'A longer draft, split into posts that each fit the platform.',
    fields: ['topic', 'keywords', 'tone'],
    needs: 'topic',
  },
  {
    id: 'rewrite',
    label: 'Rewrite',
    hint: 'Your text in another tone, or shorter.',
    fields: ['text', 'tone', 'shorter'],
    needs: 'text',
    textLabel: 'Text to rewrite',
    textPlaceholder: 'Paste the post to rewrite',
  },
  {
    id: 'alt-text',
    label: 'Alt text',
    hint: 'One sentence describing an image, for readers who cannot see it.',
    fields: ['text'],
    needs: 'text',
    textLabel: 'What the image shows',
    textPlaceholder: 'e.g. a dog asleep on a red sofa in the sun',
  },
];

export function toolInfo(tool: WriteTool): WriteToolInfo {
  return WRITE_TOOLS.find((t) => t.id === tool) ?? WRITE_TOOLS[0]!;
}

/** Tones offered in the picker ('' = neutral); anything else can be typed. */
export const TONES: readonly { id: string; label: string }[] = [
  { id: '', label: 'Neutral' },
  { id: 'friendly', label: 'Friendly' },
  { id: 'playful', label: 'Playful' },
  { id: 'professional', label: 'Professional' },
  { id: 'witty', label: 'Witty' },
  { id: 'inspiring', label: 'Inspiring' },
  { id: 'casual', label: 'Casual' },
  { id: 'bold', label: 'Bold' },
  { id: 'informative', label: 'Informative' },
  { id: 'warm', label: 'Warm' },
];

/** The picker's value for "type your own". */
export const CUSTOM_TONE = '__custom__';

/** What the form holds, as typed. */
export interface WriteForm {
  tool: WriteTool;
  platform: string;
  topic: string;
  keywords: string;
  /** A tone id of {@link TONES} or {@link CUSTOM_TONE}. */
  tonePick: string;
  customTone: string;
  text: string;
  shorter: boolean;
  variants: string;
  seed: string;
}

/** Keywords from "a, b\nc": trimmed, without empties and repeats (case-insensitive). */
export function parseKeywords(text: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of text.split(/[,\n;]/)) {
    const word = raw.trim();
    const key = word.toLowerCase();
    if (word === '' || seen.has(key)) continue;
    seen.add(key);
    out.push(word);
  }
  return out;
}

export function parseVariants(text: string): Parsed {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, message: 'Enter how many variants.' };
  const value = Number(trimmed);
  if (!/^\d+$/.test(trimmed) || value < 1 || value > MAX_VARIANTS) {
    return { ok: false, message: `Variants must be from 1 to ${MAX_VARIANTS}.` };
  }
  return { ok: true, value };
}

export function toneOf(form: Pick<WriteForm, 'tonePick' | 'customTone'>): string {
  return (form.tonePick === CUSTOM_TONE ? form.customTone : form.tonePick).trim();
}

const bytes = (text: string) => new TextEncoder().encode(text).length;

export type FieldErrors = Partial<Record<WriteField | 'variants' | 'seed' | 'platform', string>>;

export type BuiltRequest = { ok: true; request: WriteRequest } | { ok: false; errors: FieldErrors };

/** The request of the form, or a message per field that stops it. */
export function buildWriteRequest(form: WriteForm): BuiltRequest {
  const info = toolInfo(form.tool);
  const shows = (field: WriteField) => info.fields.includes(field);
  const errors: FieldErrors = {};

  const topic = shows('topic') ? form.topic.trim() : '';
  const text = shows('text') ? form.text.trim() : '';
  const tone = shows('tone') ? toneOf(form) : '';
  const keywords = shows('keywords') ? parseKeywords(form.keywords) : [];

  if (info.needs === 'topic' && topic === '') errors.topic = 'Enter a topic.';
  if (info.needs === 'text' && text === '') {
    errors.text = form.tool === 'alt-text' ? 'Describe the image.' : 'Enter the text to rewrite.';
  }
  const tooLong = `At most ${MAX_FIELD_BYTES.toLocaleString('en-US')} bytes.`;
  if (bytes(topic) > MAX_FIELD_BYTES) errors.topic = tooLong;
  if (bytes(text) > MAX_FIELD_BYTES) errors.text = tooLong;
  if (bytes(tone) > MAX_FIELD_BYTES) errors.tone = tooLong;
  if (keywords.reduce((n, k) => n + bytes(k), 0) > MAX_FIELD_BYTES) errors.keywords = tooLong;
  if (form.platform.trim() === '') errors.platform = 'Pick a platform.';

  const variants = parseVariants(form.variants);
  if (!variants.ok) errors.variants = variants.message;
  const seed = parseSeed(form.seed);
  if (!seed.ok) errors.seed = seed.message;

  if (Object.keys(errors).length > 0 || !variants.ok || !seed.ok) return { ok: false, errors };
  return {
    ok: true,
    request: {
      tool: form.tool,
      platform: form.platform.trim(),
      topic,
      keywords,
      tone,
      text,
      shorter: shows('shorter') && form.shorter,
      variants: variants.value,
      seed: seed.value,
      temperature: null,
    },
  };
}
