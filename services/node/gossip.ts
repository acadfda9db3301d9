import type { Clock } from '../consensus/index.js';
import type { Transaction } from '../ledger/index.js';
import type { Mempool } from '../mempool/index.js';
import type { P2PNetwork } from '../p2p/index.js';
import { encode } from './codec.js';

export interface GossipDeps {
  p2p: P2PNetwork;
  mempool: Mempool;
  self: string;
  clock: Clock;
  /** Re-announce own transactions still pending after this long, then after twice as long each time. */
  resendMs?: number;
  /** The longest wait between two announcements of one transaction. */
  maxResendMs?: number;
}

/** When a pending transaction was last announced, and how long until the next time. */
interface Announced {
  at: number;
  waitMs: number;
}

/**
 * Spreads this node's own transactions to every member's mempool, so whichever member proposes
 * next can include them, and re-announces those still pending (a message may have been dropped:
 * a full outbox, a peer's rate limit). A peer that (re)connects gets every pending one at once
 * (`sendPendingTo`), so re-announcing is only for losses, and it backs off: each transaction's
 * wait doubles up to `maxResendMs`. Under overload commits take tens of seconds, and re-sending
 * every pending transaction to every peer every few seconds made each peer decode and check it
 * again and again, on the thread that also had to catch up (n = 7 collapsed, issue 18).
 */
export class Gossip {
  private readonly announced = new Map<string, Announced>();
  private timer: NodeJS.Timeout | undefined;
  /** Announcements made in this turn of the event loop, sent together at its end. */
  private fresh: Transaction[] = [];
  private flushing: NodeJS.Immediate | undefined;
  private readonly resendMs: number;
  private readonly maxResendMs: number;

  constructor(private readonly deps: GossipDeps) {
    this.resendMs = deps.resendMs ?? 3_000;
    this.maxResendMs = deps.maxResendMs ?? 48_000;
  }

  start(): void {
    // Pending since before a restart: due at the first tick.
    for (const tx of this.own()) this.announced.set(tx.id, { at: 0, waitMs: this.resendMs });
    this.timer = setInterval(() => this.resend(), this.resendMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.flushing) clearImmediate(this.flushing);
  }

  /**
   * Sends a new transaction to every member. Under load many captures arrive in one turn of the
   * event loop; they leave as one batch message (setImmediate: no waiting when the node is idle),
   * so each peer decodes, checks and wakes consensus once per batch rather than once per capture.
   */
  announce(tx: Transaction): void {
    this.announced.set(tx.id, { at: this.deps.clock(), waitMs: this.resendMs });
    this.fresh.push(tx);
    this.flushing ??= setImmediate(() => this.flush());
  }

  private flush(): void {
    const txs = this.fresh;
    this.fresh = [];
    this.flushing = undefined;
    for (const batch of this.batches(txs)) this.deps.p2p.broadcast('mempool', encode({ txs: batch }));
  }

  forget(id: string): void {
    this.announced.delete(id);
  }

  sendPendingTo(peer: string): void {
    for (const txs of this.batches(this.own())) this.deps.p2p.send(peer, 'mempool', encode({ txs }));
  }

  private own(): Transaction[] {
    return this.deps.mempool.all().filter((tx) => tx.body.org === this.deps.self);
  }

  /** The interval's work, public for tests: announces again what is due. */
  resend(): void {
    const now = this.deps.clock();
    const due: Transaction[] = [];
    for (const [id, announced] of this.announced) {
      const tx = this.deps.mempool.get(id);
      if (!tx) {
        this.announced.delete(id);
      } else if (announced.at + announced.waitMs <= now) {
        due.push(tx);
        announced.at = now;
        announced.waitMs = Math.min(2 * announced.waitMs, this.maxResendMs);
      }
    }
    for (const txs of this.batches(due)) this.deps.p2p.broadcast('mempool', encode({ txs }));
  }

  /** Splits transactions into messages well under the P2P frame limit (sizes from the mempool). */
  private *batches(txs: readonly Transaction[], maxBytes = 4 * 1024 * 1024): Generator<Transaction[]> {
    let batch: Transaction[] = [];
    let bytes = 0;
    for (const tx of txs) {
      const size = this.deps.mempool.bytesOf(tx.id);
      if (batch.length > 0 && bytes + size > maxBytes) {
        yield batch;
        batch = [];
        bytes = 0;
      }
      batch.push(tx);
      bytes += size;
    }
    if (batch.length > 0) yield batch;
  }
}
