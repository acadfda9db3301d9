import type { CommittedBlock } from '../ledger/index.js';
import type { Store } from '../storage/index.js';

/** Lets a request wait for the block that commits one transaction. */
export class CommitWaiter {
  private readonly waiters = new Map<string, Set<() => void>>();

  constructor(private readonly store: Store) {}

  /** One of the node's after-commit steps (node.ts): wakes the requests waiting for the block's transactions. */
  committed({ block }: CommittedBlock): void {
    for (const tx of block.txs) {
      const done = this.waiters.get(tx.id);
      this.waiters.delete(tx.id);
      for (const wake of done ?? []) wake();
    }
  }

  /** True once the transaction is committed, false if that takes longer than `timeoutMs`. */
  wait(txId: string, timeoutMs: number): Promise<boolean> {
    if (this.store.hasTx(txId)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const set = this.waiters.get(txId) ?? new Set();
      const wake = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        set.delete(wake);
        if (set.size === 0) this.waiters.delete(txId);
        resolve(false);
      }, timeoutMs);
      set.add(wake);
      this.waiters.set(txId, set);
    });
  }
}
