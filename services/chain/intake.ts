import { ErrorCode, WaybillError } from '../common/index.js';
import type { Genesis } from '../config/index.js';
import type { Clock, Evidence } from '../consensus/index.js';
import type { Signer } from '../crypto/index.js';
import {
  type RuleFileData,
  type SubmitContext,
  signTx,
  type Transaction,
  type TxBody,
} from '../ledger/index.js';
import type { Mempool } from '../mempool/index.js';
import type { Store } from '../storage/index.js';
import { MAX_RULES_BYTES, rulesAreWellFormed } from './block-checks.js';
import { captureBody, type EventIdAssigner } from './capture-body.js';
import type { RuleRegistry } from './rules-book.js';
import { sizeOf, type TxChecker } from './tx-check.js';

/** One of this node's transactions as queued: `durable` resolves once it is on disk. */
export interface Submitted {
  tx: Transaction;
  /** False when the transaction was already queued or committed (a client's retry). */
  fresh: boolean;
  durable: Promise<void>;
}

export interface IntakeComponents {
  genesis: Genesis;
  self: string;
  store: Pick<Store, 'hasTx' | 'pendingWrite' | 'addPending'>;
  mempool: Mempool;
  signer: Signer;
  rules: Pick<RuleRegistry, 'check' | 'proposal'>;
  clock: Clock;
  checker: Pick<TxChecker, 'checkTx' | 'remember'>;
  /** A sealed network's eventIDs for the events it assigns one to (chain/sealed-capture.ts). */
  eventIds?: EventIdAssigner | undefined;
}

/**
 * Transactions in: this node's own (client captures, governance, evidence), signed and queued and
 * remembered on disk until they commit, and peers' gossiped ones, kept when valid.
 */
export class Intake {
  /** When this node acknowledged its own pending transactions (for commit latency). */
  private readonly acknowledged = new Map<string, number>();

  constructor(private readonly c: IntakeComponents) {}

  /**
   * A client's capture: validated, signed by this node and queued; `durable` resolves once it is
   * remembered on disk, which is when the client may be told it was accepted (202).
   */
  submit(document: unknown, ctx: SubmitContext): Submitted {
    return this.submitOwn(this.captureBody(document, ctx));
  }

  captureBody(document: unknown, ctx: SubmitContext) {
    return captureBody(document, ctx, {
      network: this.c.genesis.network,
      org: this.c.self,
      eventIds: this.c.eventIds,
    });
  }

  /** One of this node's capture bodies, already built (and sealed), signed and queued. */
  submitBody(body: TxBody): Submitted {
    return this.submitOwn(body);
  }

  /** A rule-set proposal by this node's org (governance; the files' text goes on the ledger). */
  proposeRules(files: RuleFileData[]): Submitted & { hash: string } {
    // Peers refuse a larger proposal (contentIsValid); this node's own would skip that check.
    if (!rulesAreWellFormed(files)) {
      throw new WaybillError(ErrorCode.ValidationFailed, 'the proposed rule files are too large', {
        errors: [{ field: 'files', message: `must hold at most ${MAX_RULES_BYTES} bytes of names and text` }],
      });
    }
    const { hash, problems } = this.c.rules.check(files);
    if (problems.length > 0) {
      throw new WaybillError(ErrorCode.ValidationFailed, 'the proposed rule files do not compile', {
        errors: problems.map((message) => ({ field: 'files', message })),
      });
    }
    const { genesis, self } = this.c;
    return {
      ...this.submitOwn({ kind: 'rules_proposal', network: genesis.network, org: self, files }),
      hash,
    };
  }

  approveRules(hash: string): Submitted {
    if (!this.c.rules.proposal(hash)) {
      throw new WaybillError(ErrorCode.NotFound, `no committed rule-set proposal ${hash}`);
    }
    const { genesis, self } = this.c;
    return this.submitOwn({ kind: 'rules_approval', network: genesis.network, org: self, hash });
  }

  /**
   * Signs one of this node's transactions and queues it, unless it is already known. A repeat
   * of a transaction whose write is still under way waits for that write too.
   */
  submitOwn(body: TxBody): Submitted {
    const { signer, store, mempool } = this.c;
    const tx = signTx(body, signer);
    if (store.hasTx(tx.id) || mempool.has(tx.id)) {
      return { tx, fresh: false, durable: store.pendingWrite(tx.id) ?? Promise.resolve() };
    }
    return { tx, fresh: true, durable: this.enqueue(tx) };
  }

  /**
   * Equivocation seen by consensus: this node signs it as an evidence transaction, so the
   * consortium commits it on the ledger. Reports of the same equivocation by several nodes are
   * recorded once (execution/evidence.ts).
   */
  reportEvidence(evidence: Evidence): Transaction | undefined {
    const { genesis, self, signer, store, mempool } = this.c;
    const body = {
      kind: 'evidence' as const,
      network: genesis.network,
      org: self,
      evidence: { ...evidence },
    };
    const tx = signTx(body, signer);
    if (store.hasTx(tx.id) || mempool.has(tx.id)) return undefined;
    try {
      this.enqueue(tx);
    } catch {
      return undefined; // a full mempool: another member's report will carry it
    }
    return tx;
  }

  /** Queues one of this node's own transactions, and remembers it on disk until it commits. */
  private enqueue(tx: Transaction): Promise<void> {
    const now = this.c.clock();
    this.c.mempool.add(tx, sizeOf(tx), now, 'own');
    const durable = this.c.store.addPending(tx);
    this.c.checker.remember(tx);
    this.acknowledged.set(tx.id, now);
    return durable;
  }

  /** When this node acknowledged one of its transactions, forgotten as it is read (at commit). */
  settle(txId: string): number | undefined {
    const at = this.acknowledged.get(txId);
    if (at !== undefined) this.acknowledged.delete(txId);
    return at;
  }

  /**
   * Transactions gossiped by peers: kept only if valid. Returns those that were new.
   * `wireBytes` is the size of the message that carried them: each transaction is counted as its
   * share of it (the mempool's limits are on totals), so none is serialised again to be measured.
   */
  receive(txs: readonly Transaction[], wireBytes?: number): Transaction[] {
    const { store, mempool, checker } = this.c;
    const added: Transaction[] = [];
    for (const tx of txs) {
      if (mempool.has(tx.id) || store.hasTx(tx.id) || !checker.checkTx(tx)) continue;
      const bytes = wireBytes === undefined ? sizeOf(tx) : Math.ceil(wireBytes / txs.length);
      try {
        if (mempool.add(tx, bytes, this.c.clock())) added.push(tx);
      } catch {
        // Full or conflicting: the origin node keeps it and gossips it again later.
      }
    }
    return added;
  }
}
