import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import type { IpcError, TextCount } from '../ipc';
import { fakeTextCount } from '../../test/backend';
import { COUNT_DELAY_MS, TextCounter } from './textCounter.svelte';

interface Call {
  text: string;
  platform: string;
  resolve: () => void;
  reject: (error: IpcError) => void;
}

/** A `countText` whose answers wait until the test releases them (counting as the fake engine). */
function heldCounts() {
  const calls: Call[] = [];
  const countText = (text: string, platform: string) =>
    new Promise<TextCount>((resolve, reject) => {
      calls.push({
        text,
        platform,
        resolve: () => {
          const answer = fakeTextCount(text, platform);
          if ('code' in answer) reject(answer);
          else resolve(answer);
        },
        reject,
      });
    });
  return { ipc: { countText }, calls };
}

const settle = () => vi.advanceTimersByTimeAsync(0);

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('TextCounter', () => {
  it('asks after a quiet spell, only for the newest text', async () => {
    const { ipc, calls } = heldCounts();
    const counter = new TextCounter(ipc);
    counter.request('H', 'x');
    counter.request('He', 'x');
    counter.request('Hello', 'x');
    expect(counter.pending).toBe(true);
    await vi.advanceTimersByTimeAsync(COUNT_DELAY_MS - 1);
    expect(calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls.map((c) => c.text)).toEqual(['Hello']);
    calls[0]!.resolve();
    await settle();
    expect(counter.result).toEqual({ count: 5, limit: 280, over: false });
    expect(counter.counted).toEqual({ text: 'Hello', platform: 'x' });
    expect(counter.pending).toBe(false);
  });

  it('asks at once for text that was not typed', async () => {
    const { ipc, calls } = heldCounts();
    const counter = new TextCounter(ipc);
    counter.request('日本語', 'x', true);
    expect(calls.map((c) => c.text)).toEqual(['日本語']);
    calls[0]!.resolve();
    await settle();
    expect(counter.result?.count).toBe(6);
  });

  it('keeps one request in flight and the last count shown; then asks for the newest text', async () => {
    const { ipc, calls } = heldCounts();
    const counter = new TextCounter(ipc);
    counter.request('one', 'bluesky', true);
    calls[0]!.resolve();
    await settle();
    expect(counter.result?.count).toBe(3);

    counter.request('one two', 'bluesky', true);
    counter.request('one two three', 'bluesky');
    await vi.advanceTimersByTimeAsync(COUNT_DELAY_MS);
    counter.request('one two three four', 'bluesky');
    await vi.advanceTimersByTimeAsync(COUNT_DELAY_MS);
    // Still one request: the first answer is not in yet, and the last count stays.
    expect(calls.map((c) => c.text)).toEqual(['one', 'one two']);
    expect(counter.result?.count).toBe(3);
    expect(counter.pending).toBe(true);

    calls[1]!.resolve();
    await settle();
    expect(counter.result?.count).toBe(7);
    // The newest text goes next; the ones typed in between are never asked for.
    expect(calls.map((c) => c.text)).toEqual(['one', 'one two', 'one two three four']);
    expect(counter.pending).toBe(true);
    calls[2]!.resolve();
    await settle();
    expect(counter.result).toEqual({ count: 18, limit: 300, over: false });
    expect(counter.pending).toBe(false);
  });

  it('does not ask again for the text it has, or is counting', async () => {
    const { ipc, calls } = heldCounts();
    const counter = new TextCounter(ipc);
    counter.request('same', 'x', true);
    counter.request('same', 'x', true);
    calls[0]!.resolve();
    await settle();
    counter.request('same', 'x');
    await vi.advanceTimersByTimeAsync(COUNT_DELAY_MS);
    expect(calls).toHaveLength(1);
    expect(counter.pending).toBe(false);
    // Another platform is another count.
    counter.request('same', 'instagram', true);
    expect(calls.map((c) => c.platform)).toEqual(['x', 'instagram']);
  });

  it('says when the engine is over the limit', async () => {
    const { ipc, calls } = heldCounts();
    const counter = new TextCounter(ipc);
    counter.request('日'.repeat(141), 'x', true);
    calls[0]!.resolve();
    await settle();
    expect(counter.result).toEqual({ count: 282, limit: 280, over: true });
  });

  it('keeps the last count when a request fails, with the error', async () => {
    const { ipc, calls } = heldCounts();
    const counter = new TextCounter(ipc);
    counter.request('hi', 'x', true);
    calls[0]!.resolve();
    await settle();
    counter.request('hi', 'myspace', true);
    calls[1]!.resolve();
    await settle();
    expect(counter.result?.count).toBe(2);
    expect(counter.error?.code).toBe('INVALID_REQUEST');
    expect(counter.pending).toBe(false);
  });

  it('drops answers after dispose', async () => {
    const { ipc, calls } = heldCounts();
    const counter = new TextCounter(ipc);
    counter.request('hi', 'x', true);
    counter.request('hi there', 'x');
    counter.dispose();
    calls[0]!.resolve();
    await vi.advanceTimersByTimeAsync(COUNT_DELAY_MS * 2);
    expect(counter.result).toBeNull();
    expect(calls).toHaveLength(1);
  });
});
