import type { Transaction } from '../ledger/index.js';

/** A sealed capture's key and the transaction it became (sealed-store.ts capture_keys). */
export type CaptureKey = readonly [key: string, txId: string];

/**
 * Group commit of this node's acknowledged transactions. A capture is answered 202 only once it
 * is on disk, and under load one fsync costs milliseconds of a blocked event loop, so the
 * transactions of one event-loop turn share one SQLite transaction (one fsync), and each caller
 * awaits that write. A sealed capture's key rides in the same write as its transaction: one fsync
 * instead of two, and never one durable without the other. The write goes to a file of its own
 * (acks.ts), never locked by the block writer thread, so it never waits for a block being written.
 */
export class PendingLog {
  /** The transactions waiting for the next write, by id. */
  private batch = new Map<string, Transaction>();
  private keys: CaptureKey[] = [];
  private written: Promise<void> | undefined;
  private settle: { resolve: () => void; reject: (err: unknown) => void } | undefined;

  constructor(private readonly write: (txs: readonly Transaction[], keys: readonly CaptureKey[]) => void) {}

  /** Resolves once `tx` is durable; rejects when its write fails. */
  add(tx: Transaction): Promise<void> {
    this.batch.set(tx.id, tx);
    return this.next();
  }

  /** Resolves once the capture key is durable, written with the transactions of this turn. */
  addCaptureKey(key: CaptureKey): Promise<void> {
    this.keys.push(key);
    return this.next();
  }

  /** The write the current batch will be part of, started on first use. */
  private next(): Promise<void> {
    if (!this.written) {
      this.written = new Promise<void>((resolve, reject) => {
        this.settle = { resolve, reject };
      });
      // A caller that does not wait (evidence) must not turn a failed write into a crash.
      this.written.catch(() => {});
      setImmediate(() => this.flush());
    }
    return this.written;
  }

  /** The write `id` waits for, while it has not happened. */
  pending(id: string): Promise<void> | undefined {
    return this.batch.has(id) ? this.written : undefined;
  }

  /** Writes the batch now (also before the store closes). */
  flush(): void {
    const { batch, keys, settle } = this;
    if (!settle) return;
    this.batch = new Map();
    this.keys = [];
    this.written = undefined;
    this.settle = undefined;
    try {
      this.write([...batch.values()], keys);
      settle.resolve();
    } catch (err) {
      settle.reject(err);
    }
  }
}
