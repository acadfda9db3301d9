import type { Logger } from '../common/index.js';
import { isCapture } from '../ledger/index.js';
import { type Decrypter, openCapture, type TierContext } from '../privacy/index.js';
import type { Store } from '../storage/index.js';

/**
 * A sealed network's recipient side (docs/privacy.md): after each commit, the node opens the
 * sealed parts of the block's captures that are sealed to its org, checks them against the
 * committed views and roots, and stores the plaintext (sealed_events). It works in height order
 * from the last height done, so a restart or a node that lost its disk and caught up from its
 * peers recovers every sealed event it receives from the ciphertexts the blocks carry.
 * Decryption is asynchronous (WebCrypto under jose), so this runs beside consensus, not in it.
 */
export class Unsealer {
  private running: Promise<void> | undefined;
  private wanted = 0;

  constructor(
    private readonly store: Store,
    private readonly decrypter: Decrypter,
    private readonly tiers: TierContext,
    private readonly logger: Logger,
    private readonly onFault: (message: string) => void = () => undefined,
  ) {}

  /** Opens everything up to `height` (the tip at start, then each committed block). */
  committed(height: number): void {
    this.wanted = Math.max(this.wanted, height);
    this.running ??= this.run().finally(() => {
      this.running = undefined;
      if (this.store.sealed.unsealedHeight() < this.wanted) this.committed(this.wanted);
    });
  }

  /** Resolves once everything asked for so far is open (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async run(): Promise<void> {
    for (let h = this.store.sealed.unsealedHeight() + 1; h <= this.wanted; h++) {
      const committed = this.store.getBlock(h);
      if (!committed) return;
      const opened: Parameters<Store['sealed']['putOpened']>[1][number][] = [];
      for (const tx of committed.block.txs) {
        if (!isCapture(tx) || !tx.body.sealed) continue;
        const result = await openCapture(tx.body, this.decrypter, this.tiers);
        for (const fault of result.faults) {
          // A capturer sealed something other than what it committed: say which, never what.
          this.logger.warn(
            { tx: tx.id, height: h, fault },
            'SEAL_FAULT: a sealed part does not match its capture',
          );
          this.onFault(fault);
        }
        if (result.events.length > 0) opened.push({ txId: tx.id, events: result.events });
      }
      // Written on this thread's connection: not while the block writer holds SQLite's write lock.
      const written = await this.store.whenNoBlockWrite(() => {
        if (!this.store.isOpen()) return false;
        this.store.sealed.putOpened(h, opened);
        return true;
      });
      if (!written) return;
    }
  }
}
