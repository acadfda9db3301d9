import type { Logger } from '../common/index.js';
import { type Block, type CaptureTxBody, isCapture, type Transaction } from '../ledger/index.js';
import {
  type Decrypter,
  type GeneralJWE,
  openCapture,
  type SealedEvent,
  type SealedHere,
  type TierContext,
} from '../privacy/index.js';
import type { Store } from '../storage/index.js';

/**
 * A sealed network's recipient side (docs/privacy.md): after each commit, the node opens the
 * sealed parts of the block's captures that are sealed to its org, checks them against the
 * committed views and roots, and stores the plaintext (sealed_events). It works in height order
 * from the last height done, so a restart or a node that lost its disk and caught up from its
 * peers recovers every sealed event it receives from the ciphertexts the blocks carry.
 * Decryption is asynchronous (WebCrypto under jose), so this runs beside consensus, not in it.
 */
/** Blocks kept in memory for the unsealer at most; past that (a long catch-up) it reads the store. */
const MAX_HANDED = 64;

export class Unsealer {
  private running: Promise<void> | undefined;
  private wanted = 0;
  /** Committed blocks handed over in memory, not yet opened: spares reading them back. */
  private readonly handed = new Map<number, Block>();

  constructor(
    private readonly store: Store,
    private readonly decrypter: Decrypter,
    private readonly tiers: TierContext,
    private readonly logger: Logger,
    private readonly onFault: (message: string) => void = () => undefined,
    /** What this node sealed itself since it started: stored as kept, not decrypted again. */
    private readonly sealedHere?: SealedHere,
  ) {}

  /**
   * Opens everything up to `height` (the tip at start, then each committed block, which the
   * commit hands over so it is not read back and parsed again).
   */
  committed(height: number, block?: Block): void {
    if (block && this.handed.size < MAX_HANDED) this.handed.set(height, block);
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
      const block = this.handed.get(h) ?? this.store.getBlock(h)?.block;
      this.handed.delete(h);
      if (!block) return;
      // This node's own captures as it sealed them (it receives every event it captures); of the
      // others, only those with a group sealed to this node, opened concurrently (jose's
      // WebCrypto steps cost less CPU in a batch). A node that receives nothing opens nothing.
      const opened: Array<{ txId: string; events: readonly SealedEvent[] }> = [];
      const mine: Transaction[] = [];
      for (const tx of block.txs) {
        if (!isCapture(tx) || !tx.body.sealed) continue;
        const kept = this.sealedHere?.take(tx.id);
        if (kept) opened.push({ txId: tx.id, events: kept });
        else if (tx.body.sealed.some((g) => this.decrypter.isRecipient(g.jwe as unknown as GeneralJWE)))
          mine.push(tx);
      }
      const results = await Promise.all(
        mine.map((tx) => openCapture(tx.body as CaptureTxBody, this.decrypter, this.tiers)),
      );
      for (const [i, result] of results.entries()) {
        const tx = mine[i] as Transaction;
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
      if (!this.store.isOpen()) return;
      this.store.sealed.putOpened(h, opened);
    }
    this.handed.clear();
  }
}
