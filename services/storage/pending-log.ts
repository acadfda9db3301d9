import type { Transaction } from '../ledger/index.js';

/**
 * Group commit of this node's acknowledged transactions. A capture is answered 202 only once it
 * is on disk, and under load one fsync costs milliseconds of a blocked event loop, so the
 * transactions of one event-loop turn share one SQLite transaction (one fsync), and each caller
 * awaits that write.
 */
export class PendingLog {
  private batch: Transaction[] = [];
  private written: Promise<void> | undefined;
  private settle: { resolve: () => void; reject: (err: unknown) => void } | undefined;
  /** Ids in the batch not yet written, with the write they wait for. */
  private readonly waiting = new Map<string, Promise<void>>();

  constructor(private readonly write: (txs: readonly Transaction[]) => void) {}

  /** Resolves once `tx` is durable; rejects when its write fails. */
  add(tx: Transaction): Promise<void> {
    if (!this.written) {
      this.written = new Promise<void>((resolve, reject) => {
        this.settle = { resolve, reject };
      });
      // A caller that does not wait (evidence) must not turn a failed write into a crash.
      this.written.catch(() => {});
      setImmediate(() => this.flush());
    }
    this.batch.push(tx);
    this.waiting.set(tx.id, this.written);
    return this.written;
  }

  /** The write `id` waits for, while it has not happened. */
  pending(id: string): Promise<void> | undefined {
    return this.waiting.get(id);
  }

  /** Writes the batch now (also before the store closes). */
  flush(): void {
    const { batch, settle } = this;
    if (!settle) return;
    this.batch = [];
    this.written = undefined;
    this.settle = undefined;
    try {
      this.write(batch);
      settle.resolve();
    } catch (err) {
      settle.reject(err);
    } finally {
      for (const tx of batch) this.waiting.delete(tx.id);
    }
  }
}
