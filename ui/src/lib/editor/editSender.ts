/**
 * Sending a gesture's edits: at most one request in flight; edits pushed meanwhile wait and are
 * coalesced (the latest value of each property wins), then go as one request when the one in
 * flight ends. Pure (the send function is given).
 */
import type { Edit } from '../ipc';

/** Edits and the time of the earliest input that asked for them (performance.now() clock). */
export interface EditBatch {
  edits: Edit[];
  inputTime: number;
}

/**
 * What an edit sets: later edits with the same key replace earlier ones. Adding and removing
 * layers never merge.
 */
function editKey(edit: Edit, index: number): string {
  switch (edit.edit) {
    case 'add-layer':
    case 'remove-layer':
      return `${edit.edit}#${index}`;
    case 'set-background':
    case 'set-slides':
    case 'set-caption':
    case 'set-audio':
      return edit.edit;
    default:
      return `${edit.edit}:${edit.id}`;
  }
}

/** Keeps the last edit of each property, in the order of those last edits. */
export function coalesceEdits(edits: readonly Edit[]): Edit[] {
  const last = new Map<string, number>();
  edits.forEach((edit, i) => last.set(editKey(edit, i), i));
  return edits.filter((edit, i) => last.get(editKey(edit, i)) === i);
}

export function mergeBatches(a: EditBatch, b: EditBatch): EditBatch {
  return {
    edits: coalesceEdits([...a.edits, ...b.edits]),
    inputTime: Math.min(a.inputTime, b.inputTime),
  };
}

export class LatestWinsSender {
  readonly #send: (batch: EditBatch) => Promise<void>;
  #pending: EditBatch | null = null;
  #inFlight = false;
  #idleWaiters: (() => void)[] = [];
  #sent = 0;

  /** `send` resolves when the request ended (it handles its own errors). */
  constructor(send: (batch: EditBatch) => Promise<void>) {
    this.#send = send;
  }

  get busy(): boolean {
    return this.#inFlight || this.#pending !== null;
  }

  /** Requests started so far. */
  get sent(): number {
    return this.#sent;
  }

  push(batch: EditBatch): void {
    if (batch.edits.length === 0) return;
    this.#pending = this.#pending ? mergeBatches(this.#pending, batch) : { ...batch, edits: coalesceEdits(batch.edits) };
    this.#next();
  }

  /** Resolves once everything pushed so far has been answered. */
  idle(): Promise<void> {
    if (!this.busy) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #next(): void {
    if (this.#inFlight) return;
    const batch = this.#pending;
    if (!batch) {
      const waiters = this.#idleWaiters;
      this.#idleWaiters = [];
      for (const resolve of waiters) resolve();
      return;
    }
    this.#pending = null;
    this.#inFlight = true;
    this.#sent++;
    let request: Promise<void>;
    try {
      request = this.#send(batch);
    } catch {
      request = Promise.resolve();
    }
    void request
      .catch(() => {
        // `send` reports its own errors; the next batch still goes.
      })
      .finally(() => {
        this.#inFlight = false;
        this.#next();
      });
  }
}
