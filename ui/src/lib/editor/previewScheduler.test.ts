import { describe, expect, it } from 'vitest';

import { PreviewScheduler, type PreviewTarget } from './previewScheduler';

const target = (revision: number, extra: Partial<PreviewTarget> = {}): PreviewTarget => ({
  key: 'p',
  revision,
  width: 400,
  height: 500,
  overlays: false,
  ...extra,
});

/** A scheduler whose fetches the test answers by hand. */
function harness() {
  const fetches: { target: PreviewTarget; resolve: () => void; reject: (e: unknown) => void }[] = [];
  const drawn: PreviewTarget[] = [];
  const failed: PreviewTarget[] = [];
  const scheduler = new PreviewScheduler<PreviewTarget>({
    fetch: (t) =>
      new Promise((resolve, reject) => {
        fetches.push({ target: t, resolve: () => resolve(t), reject });
      }),
    draw: (_frame, t) => drawn.push(t),
    fail: (_e, t) => failed.push(t),
  });
  const settle = async () => {
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  return { scheduler, fetches, drawn, failed, settle };
}

describe('PreviewScheduler', () => {
  it('fetches at once when idle, and not again for the same frame', async () => {
    const h = harness();
    h.scheduler.want(target(1));
    expect(h.fetches).toHaveLength(1);
    h.fetches[0]!.resolve();
    await h.settle();
    expect(h.drawn).toEqual([target(1)]);
    h.scheduler.want(target(1));
    expect(h.fetches).toHaveLength(1);
  });

  it('keeps one fetch in flight and follows with exactly one for the newest state', async () => {
    const h = harness();
    h.scheduler.want(target(1));
    h.scheduler.want(target(2));
    h.scheduler.want(target(3));
    h.scheduler.want(target(4, { width: 800, height: 1000 }));
    expect(h.fetches).toHaveLength(1);
    expect(h.scheduler.busy).toBe(true);

    h.fetches[0]!.resolve();
    await h.settle();
    expect(h.fetches).toHaveLength(2);
    expect(h.fetches[1]!.target).toEqual(target(4, { width: 800, height: 1000 }));
    h.fetches[1]!.resolve();
    await h.settle();
    expect(h.fetches).toHaveLength(2);
    expect(h.drawn.map((t) => t.revision)).toEqual([1, 4]);
    expect(h.scheduler.busy).toBe(false);
  });

  it('refetches when only the size or the overlays change', async () => {
    const h = harness();
    h.scheduler.want(target(1));
    h.fetches[0]!.resolve();
    await h.settle();
    h.scheduler.want(target(1, { width: 401 }));
    expect(h.fetches).toHaveLength(2);
    h.fetches[1]!.resolve();
    await h.settle();
    h.scheduler.want(target(1, { width: 401, overlays: true }));
    expect(h.fetches).toHaveLength(3);
  });

  it('never draws a frame older than the one on screen', async () => {
    const h = harness();
    h.scheduler.want(target(5));
    h.fetches[0]!.resolve();
    await h.settle();
    // An older revision asked for later (e.g. a late answer) is neither fetched nor drawn.
    h.scheduler.want(target(3));
    expect(h.fetches).toHaveLength(1);
    expect(h.drawn.map((t) => t.revision)).toEqual([5]);
    // A new project starts its own count.
    h.scheduler.want(target(1, { key: 'other' }));
    expect(h.fetches).toHaveLength(2);
    h.fetches[1]!.resolve();
    await h.settle();
    expect(h.drawn.map((t) => t.key)).toEqual(['p', 'other']);
  });

  it('drops a wanted frame that became older than the one drawn meanwhile', async () => {
    const h = harness();
    h.scheduler.want(target(5));
    h.scheduler.want(target(3)); // a late, older state arrives while 5 is in flight
    h.fetches[0]!.resolve();
    await h.settle();
    expect(h.drawn.map((t) => t.revision)).toEqual([5]);
    expect(h.fetches).toHaveLength(1);
    expect(h.scheduler.drawn).toEqual(target(5));
  });

  it('goes by the revision the engine rendered when it is newer than the one asked for', async () => {
    const fetches: { t: PreviewTarget; resolve: (rendered: number) => void }[] = [];
    const drawn: number[] = [];
    const scheduler = new PreviewScheduler<number>({
      fetch: (t) => new Promise((resolve) => fetches.push({ t, resolve })),
      draw: (_frame, t) => drawn.push(t.revision),
      revisionOf: (rendered) => rendered,
    });
    const settle = async () => {
      for (let i = 0; i < 5; i++) await Promise.resolve();
    };
    scheduler.want(target(4));
    fetches[0]!.resolve(6); // the engine was already at 6
    await settle();
    expect(drawn).toEqual([6]);
    expect(scheduler.drawn?.revision).toBe(6);
    // Revisions 5 and 6 are on screen already: nothing to fetch; 7 is new.
    scheduler.want(target(5));
    scheduler.want(target(6));
    expect(fetches).toHaveLength(1);
    scheduler.want(target(7));
    expect(fetches).toHaveLength(2);
    // A frame that turns out older than the one shown is not drawn.
    fetches[1]!.resolve(5);
    await settle();
    expect(drawn).toEqual([6]);
  });

  it('reports a failure, then tries again for a new frame', async () => {
    const h = harness();
    h.scheduler.want(target(1));
    h.fetches[0]!.reject(new Error('boom'));
    await h.settle();
    expect(h.failed).toEqual([target(1)]);
    expect(h.drawn).toEqual([]);
    h.scheduler.want(target(1));
    expect(h.fetches).toHaveLength(1);
    h.scheduler.want(target(2));
    expect(h.fetches).toHaveLength(2);
  });

  it('draws an offered frame when newer, and does not fetch that frame again', async () => {
    const h = harness();
    h.scheduler.want(target(1));
    h.fetches[0]!.resolve();
    await h.settle();
    // A gesture's live frame (edits and preview in one request).
    expect(h.scheduler.offer(target(3), target(3))).toBe(true);
    expect(h.drawn.map((t) => t.revision)).toEqual([1, 3]);
    expect(h.scheduler.drawn).toEqual(target(3));
    // The view catches up afterwards: revision 3 at this size is on screen, nothing is fetched.
    h.scheduler.want(target(3));
    expect(h.fetches).toHaveLength(1);
    // At another size or with overlays it is fetched.
    h.scheduler.want(target(3, { overlays: true }));
    expect(h.fetches).toHaveLength(2);
  });

  it('never draws an offered frame over a newer or the same revision', () => {
    const h = harness();
    expect(h.scheduler.offer(target(5), target(5))).toBe(true);
    expect(h.scheduler.offer(target(4), target(4))).toBe(false);
    expect(h.scheduler.offer(target(5, { width: 800 }), target(5, { width: 800 }))).toBe(false);
    expect(h.drawn.map((t) => t.revision)).toEqual([5]);
    // Another project starts its own count.
    expect(h.scheduler.offer(target(1, { key: 'other' }), target(1, { key: 'other' }))).toBe(true);
    h.scheduler.dispose();
    expect(h.scheduler.offer(target(2, { key: 'other' }), target(2, { key: 'other' }))).toBe(false);
    expect(h.drawn.map((t) => [t.key, t.revision])).toEqual([
      ['p', 5],
      ['other', 1],
    ]);
  });

  it('does not draw a fetch that ends after a newer offered frame', async () => {
    const h = harness();
    h.scheduler.want(target(2));
    expect(h.scheduler.offer(target(4), target(4))).toBe(true);
    h.fetches[0]!.resolve();
    await h.settle();
    expect(h.drawn.map((t) => t.revision)).toEqual([4]);
    // Nothing more to fetch: the wanted revision is older than the one shown.
    expect(h.fetches).toHaveLength(1);
    expect(h.scheduler.busy).toBe(false);
  });

  it('stops after dispose', async () => {
    const h = harness();
    h.scheduler.want(target(1));
    h.scheduler.dispose();
    h.fetches[0]!.resolve();
    await h.settle();
    expect(h.drawn).toEqual([]);
    h.scheduler.want(target(2));
    expect(h.fetches).toHaveLength(1);
  });
});
