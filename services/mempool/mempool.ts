import { ErrorCode, WaybillError } from '../common/index.js';
import type { Transaction } from '../ledger/index.js';
import { eventsOf, txCost } from '../ledger/index.js';
import { DrainRate } from './drain-rate.js';

export interface MempoolLimits {
  maxTxs: number;
  maxBytes: number;
  /**
   * The backlog this node's own clients may add to (execution cost, ledger/tx-cost.ts, of everything
   * waiting, whoever captured it): past it a capture gets 429 MEMPOOL_FULL with a Retry-After from
   * the rate the backlog drains, before memory grows and before the wait for a commit does.
   * Peers' transactions are kept up to twice this, so what other members acknowledged still fits.
   * Absent: no bound but maxTxs and maxBytes.
   */
  maxCost?: number;
  /**
   * Own captures are refused sooner once the network's commit rate is known: when the backlog
   * holds more than this many seconds of what recently drained from it (never less than
   * `minCost`, never more than `maxCost`). Under overload every capture admitted costs each node
   * its intake work (validation, sealing, gossip, checks) at once, while its block waits: a
   * backlog of a minute's work spent the CPU on intake that the blocks needed (issue 18).
   */
  backlogSeconds?: number;
  /** The smallest bound `backlogSeconds` may give (execution cost). */
  minCost?: number;
}

/** Whose transaction is added: an own one counts against the backlog bound, a peer's twice that. */
export type Origin = 'own' | 'peer';

interface Entry {
  tx: Transaction;
  bytes: number;
  /** Its execution cost (ledger/tx-cost.ts). */
  cost: number;
  eventIDs: string[];
  /** When it arrived (driver clock), for censorship detection. */
  at: number;
}

/**
 * Verified transactions waiting to be ordered, first come first served. Bounded in count and
 * bytes (backpressure: the API answers 429), deduplicated by transaction id.
 *
 * Two transactions may carry the same eventID: capture is asynchronous (EPCIS 2.0 REST binding),
 * so a document repeating a pending event is accepted (202) and execution, which sees them in block
 * order, accepts the first and rejects the other as DUPLICATE_EVENT_ID in its capture job. Nothing
 * is refused at POST that the job would then have to explain, and no eventID is stored twice.
 */
export class Mempool {
  private readonly entries = new Map<string, Entry>();
  /** eventID -> the pending transactions carrying it, in arrival order. */
  private readonly byEvent = new Map<string, string[]>();
  private bytes = 0;
  private cost = 0;
  /** Cost of every transaction removed so far (committed or dropped), for the drain rate. */
  private drained = 0;
  private readonly drain = new DrainRate();

  constructor(private readonly limits: MempoolLimits) {}

  get size(): number {
    return this.entries.size;
  }

  get totalBytes(): number {
    return this.bytes;
  }

  /** The execution cost of everything waiting: the backlog, in the unit blocks are bounded by. */
  get totalCost(): number {
    return this.cost;
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  /**
   * Adds a verified transaction that arrived at clock reading `at`. Returns false when it was
   * already here; throws MEMPOOL_FULL past a limit.
   */
  add(tx: Transaction, bytes: number, at = 0, origin: Origin = 'peer'): boolean {
    if (this.entries.has(tx.id)) return false;
    this.drain.sample(at, this.drained);
    if (this.entries.size >= this.limits.maxTxs || this.bytes + bytes > this.limits.maxBytes) {
      throw new WaybillError(
        ErrorCode.MempoolFull,
        'too many captures are waiting to be ordered; retry later',
        {
          retryAfterSeconds: 1,
        },
      );
    }
    const cost = txCost(tx);
    this.refuseOverBound(cost, at, origin);
    // An error declaration carries the eventID of the event it corrects: the event's status is
    // the original's, not the declaration's.
    const eventIDs = [
      ...new Set(
        eventsOf(tx)
          .filter((e) => e.errorDeclaration === undefined)
          .map((e) => e.eventID),
      ),
    ];
    this.entries.set(tx.id, { tx, bytes, cost, eventIDs, at });
    for (const id of eventIDs) {
      const carriers = this.byEvent.get(id);
      if (carriers) carriers.push(tx.id);
      else this.byEvent.set(id, [tx.id]);
    }
    this.bytes += bytes;
    this.cost += cost;
    return true;
  }

  /** The first pending transaction that carries an event, if any. */
  txOfEvent(eventID: string): Transaction | undefined {
    const id = this.byEvent.get(eventID)?.[0];
    return id === undefined ? undefined : this.entries.get(id)?.tx;
  }

  get(id: string): Transaction | undefined {
    return this.entries.get(id)?.tx;
  }

  /**
   * The oldest transactions that fit the block limits (the first one always fits, so a
   * transaction over a limit on its own still gets a block).
   */
  take(maxTxs: number, maxBytes: number, maxCost = Number.POSITIVE_INFINITY): Transaction[] {
    const out: Transaction[] = [];
    let bytes = 0;
    let cost = 0;
    for (const entry of this.entries.values()) {
      if (out.length >= maxTxs) break;
      if (out.length > 0 && (bytes + entry.bytes > maxBytes || cost + entry.cost > maxCost)) break;
      out.push(entry.tx);
      bytes += entry.bytes;
      cost += entry.cost;
    }
    return out;
  }

  bytesOf(id: string): number {
    return this.entries.get(id)?.bytes ?? 0;
  }

  /** Transactions that arrived at or before `before`, oldest first. */
  *waitingSince(before: number): Generator<Transaction> {
    for (const entry of this.entries.values()) {
      if (entry.at > before) return;
      yield entry.tx;
    }
  }

  remove(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.entries.delete(id);
    for (const e of entry.eventIDs) {
      const rest = (this.byEvent.get(e) ?? []).filter((t) => t !== id);
      if (rest.length > 0) this.byEvent.set(e, rest);
      else this.byEvent.delete(e);
    }
    this.bytes -= entry.bytes;
    this.cost -= entry.cost;
    this.drained += entry.cost;
  }

  /**
   * Throws MEMPOOL_FULL when one of this node's captures of execution cost `cost` would not be
   * admitted now: the API asks before the capture's costly intake (sealing, signing), so an
   * overloaded node refuses at once instead of doing that work for a capture it then refuses.
   */
  admit(cost: number, at: number): void {
    this.drain.sample(at, this.drained);
    this.refuseOverBound(cost, at, 'own');
  }

  /** The backlog bound for this node's own captures at clock reading `at` (MempoolLimits). */
  ownBound(at: number): number | undefined {
    const { maxCost, backlogSeconds, minCost = 0 } = this.limits;
    if (maxCost === undefined) return undefined;
    const rate = backlogSeconds === undefined ? undefined : this.drain.perSecond(at, this.drained);
    if (rate === undefined || backlogSeconds === undefined) return maxCost;
    return Math.min(maxCost, Math.max(minCost, Math.ceil(rate * backlogSeconds)));
  }

  private refuseOverBound(cost: number, at: number, origin: Origin): void {
    const excess = this.excessCost(cost, at, origin);
    if (excess <= 0) return;
    const seconds = this.drain.secondsFor(excess, at, this.drained);
    throw new WaybillError(
      ErrorCode.MempoolFull,
      `the network's backlog of captures waiting to be ordered is at this node's bound; retry in ${seconds} s`,
      { retryAfterSeconds: seconds },
    );
  }

  /**
   * How far `cost` more would take the backlog past its bound for `origin`; 0 when it fits. An
   * empty mempool takes anything, so a capture over the bound on its own is still accepted.
   * Peers' transactions are held to twice maxCost, whatever the commit rate: another member
   * acknowledged them already.
   */
  private excessCost(cost: number, at: number, origin: Origin): number {
    const { maxCost } = this.limits;
    if (maxCost === undefined || this.cost === 0) return 0;
    const bound = origin === 'own' ? (this.ownBound(at) as number) : 2 * maxCost;
    return Math.max(0, this.cost + cost - bound);
  }

  all(): Transaction[] {
    return [...this.entries.values()].map((e) => e.tx);
  }
}
