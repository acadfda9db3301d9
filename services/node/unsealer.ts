import type { Logger } from '../common/index.js';
import { type Block, type CaptureTxBody, isCapture, type Transaction } from '../ledger/index.js';
import {
  type Decrypter,
  type GeneralJWE,
  type KeptEvent,
  type KeyRing,
  openCapture,
  type SealedEvent,
  type SealedHere,
  type TierBook,
} from '../privacy/index.js';
import type { Store } from '../storage/index.js';

/**
 * A sealed network's recipient side (docs/privacy.md): after each commit, the node opens the
 * sealed parts of the block's captures that are sealed to its org, checks them against the
 * committed views and roots, and stores the plaintext (sealed_events). It works in height order
 * from the last height done, so a restart or a node that lost its disk and caught up from its
 * peers recovers every sealed event it receives from the ciphertexts the blocks carry.
 * It runs beside consensus, not in it, one capture per event-loop turn, so a block's opening
 * never holds the loop that answers HTTP for longer than one capture.
 */
/** Blocks kept in memory for the unsealer at most; past that (a long catch-up) it reads the store. */
const MAX_HANDED = 64;

export class Unsealer {
  private running: Promise<void> | undefined;
  private wanted = 0;
  private missingAt = 0;
  private readonly kids: ReadonlySet<string>;
  /** Committed blocks handed over in memory, not yet opened: spares reading them back. */
  private readonly handed = new Map<number, Block>();

  constructor(
    private readonly store: Store,
    private readonly decrypter: Decrypter,
    private readonly tiers: TierBook,
    private readonly logger: Logger,
    /**
     * This node's org and the members' keys (MemberBook.keyRing): a block sealed to a key of this
     * org that the node holds no private key for stops the work.
     */
    private readonly org: string,
    private readonly keyRing: () => KeyRing,
    private readonly onFault: (message: string) => void = () => undefined,
    /** What this node sealed itself since it started: stored as kept, not decrypted again. */
    private readonly sealedHere?: SealedHere,
  ) {
    this.kids = new Set(decrypter.kids);
  }

  /**
   * A kid of this org that the block seals to and this node has no private key for (an update
   * rotated the key in before the operator put its file beside enc.key and restarted).
   */
  private missingKid(txs: readonly Transaction[]): string | undefined {
    const ring = this.keyRing();
    for (const tx of txs) {
      if (!isCapture(tx) || !Array.isArray(tx.body.sealed)) continue;
      for (const group of tx.body.sealed) {
        // Only a kid the member book gives this org: a faulty capturer cannot stop the work by
        // naming a kid nobody has.
        const kids: unknown[] = Array.isArray(group?.kids) ? group.kids : [];
        const kid = kids.find(
          (k): k is string => typeof k === 'string' && ring.get(k)?.org === this.org && !this.kids.has(k),
        );
        if (kid) return kid;
      }
    }
    return undefined;
  }

  /** Whether a capture has a group naming a key of this org (held here or not: missingKid). */
  private sealedToOrg(tx: Transaction): boolean {
    if (!isCapture(tx) || !Array.isArray(tx.body.sealed)) return false;
    const ring = this.keyRing();
    return tx.body.sealed.some(
      (group) =>
        Array.isArray(group?.kids) &&
        group.kids.some((k) => typeof k === 'string' && (this.kids.has(k) || ring.get(k)?.org === this.org)),
    );
  }

  /**
   * Opens everything up to `height` (the tip at start, then each committed block, which the
   * commit hands over so it is not read back and parsed again).
   */
  committed(height: number, block?: Block): void {
    // Only the transactions with a group sealed to this org: a block is otherwise garbage once
    // applied, and kept whole until its turn here it outlived young-generation collections,
    // each copying it again (most blocks hold nothing for a given member).
    if (block && this.handed.size < MAX_HANDED) {
      this.handed.set(height, { ...block, txs: block.txs.filter((tx) => this.sealedToOrg(tx)) });
    }
    this.wanted = Math.max(this.wanted, height);
    if (this.running) return;
    const from = this.store.sealed.unsealedHeight();
    this.running = this.run().then(
      () => {
        this.running = undefined;
        // More was asked for while this run went on: go on, but only after progress. A block sealed
        // to a missing key, a block not readable yet or a closed store waits for the next commit.
        const reached = this.store.isOpen() ? this.store.sealed.unsealedHeight() : from;
        if (reached > from && reached < this.wanted) this.committed(this.wanted);
      },
      (err: unknown) => {
        this.running = undefined;
        // Never retried in a loop: the next commit tries again from the same height.
        this.logger.error({ err: err instanceof Error ? err.message : String(err) }, 'UNSEAL_FAILED');
      },
    );
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
      // Never pass over a block sealed to a key this node lacks: it would stay unopened for good.
      // Stop here; once the key file is in place and the node restarted, opening resumes from h.
      const missing = this.missingKid(block.txs);
      if (missing) {
        if (this.missingAt !== h) {
          this.missingAt = h;
          this.logger.error(
            { height: h, kid: missing },
            'ENC_KEY_MISSING: a block is sealed to an encryption key of this org that this node has no private key for; put its enc-<n>.key beside enc.key (docs/operations.md) and restart',
          );
        }
        return;
      }
      // This node's own captures as it sealed them (it receives every event it captures); of the
      // others, only those with a group sealed to this node. A node that receives nothing opens nothing.
      const opened: Array<{ txId: string; events: ReadonlyArray<SealedEvent | KeptEvent> }> = [];
      const mine: Transaction[] = [];
      for (const tx of block.txs) {
        if (!isCapture(tx) || !tx.body.sealed) continue;
        const kept = this.sealedHere?.take(tx.id);
        if (kept) opened.push({ txId: tx.id, events: kept });
        else if (tx.body.sealed.some((g) => this.decrypter.isRecipient(g.jwe as unknown as GeneralJWE)))
          mine.push(tx);
      }
      // Each checked against the members the capturer resolved its views against (its viewHeight).
      const results = [];
      for (const tx of mine) {
        const body = tx.body as CaptureTxBody;
        results.push(await openCapture(body, this.decrypter, this.tiers.at(body.viewHeight ?? 0)));
        await new Promise((resolve) => setImmediate(resolve));
      }
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
      // Written on this thread's connection: not while the block writer holds SQLite's write lock.
      const written = await this.store.whenNoBlockWrite(() => {
        if (!this.store.isOpen()) return false;
        this.store.sealed.putOpened(h, opened);
        return true;
      });
      if (!written) return;
    }
    this.handed.clear();
  }
}
