import { describe, expect, it } from 'vitest';

import type { Edit } from '../ipc';
import { coalesceEdits, LatestWinsSender, type EditBatch } from './editSender';

const move = (id: number, x: number): Edit => ({
  edit: 'set-transform',
  id,
  transform: { x, y: 0, scale_x: 1, scale_y: 1, rotation_deg: 0 },
});

describe('coalesceEdits', () => {
  it('keeps the latest value of each property, in order of those latest edits', () => {
    const edits: Edit[] = [move(1, 1), { edit: 'set-opacity', id: 1, opacity: 0.5 }, move(2, 5), move(1, 2)];
    expect(coalesceEdits(edits)).toEqual([{ edit: 'set-opacity', id: 1, opacity: 0.5 }, move(2, 5), move(1, 2)]);
  });

  it('never merges adding or removing layers', () => {
    const edits: Edit[] = [
      { edit: 'remove-layer', id: 1 },
      { edit: 'remove-layer', id: 2 },
      { edit: 'set-slides', slides: 2 },
      { edit: 'set-slides', slides: 3 },
    ];
    expect(coalesceEdits(edits)).toEqual([edits[0], edits[1], edits[3]]);
  });
});

describe('LatestWinsSender', () => {
  function harness() {
    const sent: { batch: EditBatch; done: () => void }[] = [];
    const sender = new LatestWinsSender(
      (batch) => new Promise<void>((resolve) => sent.push({ batch, done: resolve })),
    );
    const settle = async () => {
      for (let i = 0; i < 5; i++) await Promise.resolve();
    };
    return { sender, sent, settle };
  }

  it('keeps one request in flight and coalesces the rest into one, latest wins', async () => {
    const { sender, sent, settle } = harness();
    sender.push({ edits: [move(1, 1)], inputTime: 10 });
    sender.push({ edits: [move(1, 2)], inputTime: 20 });
    sender.push({ edits: [move(1, 3)], inputTime: 30 });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.batch).toEqual({ edits: [move(1, 1)], inputTime: 10 });

    sent[0]!.done();
    await settle();
    expect(sent).toHaveLength(2);
    // The earliest waiting input's time, the latest value.
    expect(sent[1]!.batch).toEqual({ edits: [move(1, 3)], inputTime: 20 });
    expect(sender.busy).toBe(true);

    const idle = sender.idle();
    sent[1]!.done();
    await idle;
    expect(sender.busy).toBe(false);
    expect(sender.sent).toBe(2);
  });

  it('goes on after a failed request', async () => {
    const sent: EditBatch[] = [];
    const sender = new LatestWinsSender((batch) => {
      sent.push(batch);
      return sent.length === 1 ? Promise.reject(new Error('refused')) : Promise.resolve();
    });
    sender.push({ edits: [move(1, 1)], inputTime: 0 });
    sender.push({ edits: [move(1, 2)], inputTime: 0 });
    await sender.idle();
    expect(sent.map((b) => b.edits)).toEqual([[move(1, 1)], [move(1, 2)]]);
  });

  it('ignores empty batches and is idle at once with nothing to send', async () => {
    const { sender, sent } = harness();
    sender.push({ edits: [], inputTime: 0 });
    expect(sent).toHaveLength(0);
    await expect(sender.idle()).resolves.toBeUndefined();
  });
});
