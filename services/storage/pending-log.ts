import type { Transaction } from '../ledger/index.js';

/**
 * Group commit of this node's acknowledged transactions. A capture is answered 202 only once it
 * is on disk, and under load one fsync costs milliseconds of a blocked event loop, so the
 * transactions of one event-loop turn share one SQLite transaction (one fsync), and each caller
 * awaits that write.
 */
export class PendingLog {
  /** The transactions waiting for the next write, by id. */
  private batch = new Map<string, Transaction>();
  private written: Promise<void> | undefined;
  private settle: { resolve: () => void; reject: (err: unknown) => void } | undefined;

  constructor(
    private readonly write: (txs: readonly Transaction[]) => void,
    /** A block another connection is writing: the batch waits for it rather than for SQLite's lock. */
    private readonly busy: () => Promise<void> | undefined = () => undefined,
  ) {}

  /** Resolves once `tx` is durable; rejects when its write fails. */
  add(tx: Transaction): Promise<void> {
    if (!this.written) {
      this.written = new Promise<void>((resolve, reject) => {
        this.settle = { resolve, reject };
      });
      // A caller that does not wait (evidence) must not turn a failed write into a crash.
      this.written.catch(() => {});
      setImmediate(() => this.flushWhenFree());
    }
    this.batch.set(tx.id, tx);
    return this.written;
  }

  /** The write `id` waits for, while it has not happened. */
  pending(id: string): Promise<void> | undefined {
    return this.batch.has(id) ? this.written : undefined;
  }

  private flushWhenFree(): void {
    const busy = this.busy();
    if (busy) void busy.then(() => this.flushWhenFree());
    else this.flush();
  }

  /** Writes the batch now (also before the store closes). */
  flush(): void {
    const { batch, settle } = this;
    if (!settle) return;
    this.batch = new Map();
    this.written = undefined;
    this.settle = undefined;
    try {
      this.write([...batch.values()]);
      settle.resolve();
    } catch (err) {
      settle.reject(err);
    }
  }
}
