import { describe, expect, it } from 'vitest';

import {
  buildWriteRequest,
  CUSTOM_TONE,
  parseKeywords,
  parseVariants,
  toolInfo,
  WRITE_TOOLS,
  type WriteForm,
} from './writeRequest';

const FORM: WriteForm = {
  tool: 'caption',
  platform: 'x',
  topic: '  sunset at the beach ',
  keywords: 'golden, waves,, Golden',
  tonePick: 'playful',
  customTone: '',
  text: 'ignored for captions',
  shorter: true,
  variants: '3',
  seed: '42',
};

describe('buildWriteRequest', () => {
  it('sends what the tool shows, trimmed, and empties the rest', () => {
    expect(buildWriteRequest(FORM)).toEqual({
      ok: true,
      request: {
        tool: 'caption',
        platform: 'x',
        topic: 'sunset at the beach',
        keywords: ['golden', 'waves'],
        tone: 'playful',
        text: '',
        shorter: false,
        variants: 3,
        seed: 42,
        temperature: null,
      },
    });
  });

  it('rewrite sends the text, tone and shorter; alt text only the description', () => {
    const rewrite = buildWriteRequest({ ...FORM, tool: 'rewrite', tonePick: CUSTOM_TONE, customTone: ' dreamy ' });
    expect(rewrite).toMatchObject({
      ok: true,
      request: { tool: 'rewrite', topic: '', keywords: [], tone: 'dreamy', text: 'ignored for captions', shorter: true },
    });
    const alt = buildWriteRequest({ ...FORM, tool: 'alt-text', text: 'a dog on a sofa' });
    expect(alt).toMatchObject({ ok: true, request: { tool: 'alt-text', topic: '', tone: '', text: 'a dog on a sofa', shorter: false } });
  });

  it('says what is missing or out of range, per field', () => {
    expect(buildWriteRequest({ ...FORM, topic: ' ' })).toEqual({ ok: false, errors: { topic: 'Enter a topic.' } });
    expect(buildWriteRequest({ ...FORM, tool: 'alt-text', text: '' })).toEqual({ ok: false, errors: { text: 'Describe the image.' } });
    expect(buildWriteRequest({ ...FORM, tool: 'rewrite', text: '' })).toEqual({ ok: false, errors: { text: 'Enter the text to rewrite.' } });
    const bad = buildWriteRequest({ ...FORM, variants: '7', seed: '-1', platform: '', topic: 'x'.repeat(4001) });
    expect(bad).toEqual({
      ok: false,
      errors: {
        variants: 'Variants must be from 1 to 6.',
        seed: 'The seed must be from 0 to 9,007,199,254,740,991.',
        platform: 'Pick a platform.',
        topic: 'At most 4,000 bytes.',
      },
    });
  });
});

describe('fields', () => {
  it('parses keywords and variants', () => {
    expect(parseKeywords(' a; b\nc , A ')).toEqual(['a', 'b', 'c']);
    expect(parseVariants('6')).toEqual({ ok: true, value: 6 });
    expect(parseVariants('0').ok).toBe(false);
    expect(parseVariants('2.5').ok).toBe(false);
    expect(parseVariants('').ok).toBe(false);
  });

  it('lists the five tools, each with what it needs', () => {
    expect(WRITE_TOOLS.map((t) => t.id)).toEqual(['caption', 'hashtags', 'draft', 'rewrite', 'alt-text']);
    for (const tool of WRITE_TOOLS) expect(tool.fields).toContain(tool.needs);
    expect(toolInfo('draft').label).toBe('Thread / draft');
  });
});
