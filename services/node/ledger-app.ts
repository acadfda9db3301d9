import { EventEmitter } from 'node:events';
import type { SubmitContext } from '../api/types.js';
import { fromHex, hashOf } from '../common/encoding.js';
import { ErrorCode, WaybillError } from '../common/errors.js';
import type { Genesis } from '../config/genesis.js';
import { verifyEvidence } from '../consensus/index.js';
import type { Evidence } from '../consensus/types.js';
import type { Signer } from '../crypto/index.js';
import { verify } from '../crypto/index.js';
import { assignEventIds, validateCaptureDocument } from '../epcis/index.js';
import { eventsOf, executeBlock, type TxResult } from '../execution/index.js';
import {
  type Block,
  type CommitCertificate,
  type CommittedBlock,
  signTx,
  type Transaction,
  txRootOf,
  verifyTx,
} from '../ledger/index.js';
import type { Mempool } from '../mempool/index.js';
import type { Store } from '../storage/index.js';

export interface LedgerAppDeps {
  genesis: Genesis;
  self: string;
  store: Store;
  mempool: Mempool;
  signer: Signer;
}

const VERIFIED_CACHE = 50_000;

/**
 * The application that consensus orders for: capture transactions in, blocks out. It decides
 * what a valid transaction is (the same answer on every node) and applies committed blocks.
 */
export class LedgerApp extends EventEmitter<{
  /** The committed block and its transactions' verdicts, in block order. */
  commit: [CommittedBlock, readonly TxResult[]];
  latency: [number];
}> {
  private readonly memberKeys: Map<string, Uint8Array>;
  /** Transactions (id and signature) already checked in full, oldest first. */
  private readonly verified = new Set<string>();
  /** When this node acknowledged its own pending transactions (for commit latency). */
  private readonly acknowledged = new Map<string, number>();

  constructor(private readonly deps: LedgerAppDeps) {
    super();
    this.memberKeys = new Map(deps.genesis.members.map((m) => [m.id, fromHex(m.publicKey)]));
  }

  /** A client's capture: validated, signed by this node, queued and durably remembered. */
  submit(document: unknown, ctx: SubmitContext): { tx: Transaction; fresh: boolean } {
    const checked = validateCaptureDocument(document);
    if (!checked.ok) {
      throw new WaybillError(ErrorCode.ValidationFailed, 'the EPCIS document is not valid', {
        errors: checked.errors,
      });
    }
    const events = assignEventIds(checked.events, checked.document['@context']);
    const doc = { ...checked.document, epcisBody: { ...checked.document.epcisBody, eventList: events } };
    const { genesis, self, signer, store, mempool } = this.deps;
    const tx = signTx(
      {
        kind: 'capture',
        network: genesis.network,
        org: self,
        submitter: ctx.submitter,
        errorBehaviour: ctx.errorBehaviour,
        document: doc,
      },
      signer,
    );
    if (store.hasTx(tx.id) || mempool.has(tx.id)) return { tx, fresh: false };
    this.enqueue(tx);
    return { tx, fresh: true };
  }

  /**
   * Equivocation seen by consensus: this node signs it as an evidence transaction, so the
   * consortium commits it on the ledger. Reports of the same equivocation by several nodes are
   * recorded once (execution/evidence.ts).
   */
  reportEvidence(evidence: Evidence): Transaction | undefined {
    const { genesis, self, signer, store, mempool } = this.deps;
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

  /** Queues one of this node's own transactions, durably: it was acknowledged. */
  private enqueue(tx: Transaction): void {
    const now = Date.now();
    this.deps.mempool.add(tx, sizeOf(tx), now);
    this.deps.store.addPending(tx);
    this.remember(tx);
    this.acknowledged.set(tx.id, now);
  }

  /** Transactions gossiped by peers: kept only if valid. Returns those that were new. */
  receive(txs: readonly Transaction[]): Transaction[] {
    const { store, mempool } = this.deps;
    const added: Transaction[] = [];
    for (const tx of txs) {
      if (mempool.has(tx.id) || store.hasTx(tx.id) || !this.checkTx(tx)) continue;
      try {
        if (mempool.add(tx, sizeOf(tx), Date.now())) added.push(tx);
      } catch {
        // Full or conflicting: the origin node keeps it and gossips it again later.
      }
    }
    return added;
  }

  /** Transaction validity: same answer on every node for the same committed state. */
  checkTx(tx: Transaction): boolean {
    // The cache may skip the signature and document checks, never the binding of id to body:
    // a faulty proposer could otherwise pair a known id with another body or signature.
    if (hashOf(tx.body) !== tx.id) return false;
    if (this.verified.has(cacheKey(tx))) return true;
    const key = this.memberKeys.get(tx.body.org);
    if (!key || tx.body.network !== this.deps.genesis.network) return false;
    if (!verifyTx(tx, key, verify) || !this.contentIsValid(tx)) return false;
    this.remember(tx);
    return true;
  }

  private contentIsValid(tx: Transaction): boolean {
    const { body } = tx;
    if (body.kind === 'evidence') {
      return verifyEvidence(body.evidence as unknown as Evidence, body.network, this.memberKeys, verify);
    }
    const checked = validateCaptureDocument(body.document);
    return checked.ok && eventsOf(tx).every((e) => typeof e.eventID === 'string');
  }

  validateBlock(block: Block): boolean {
    const ids = new Set<string>();
    for (const tx of block.txs) {
      if (ids.has(tx.id) || this.deps.store.hasTx(tx.id) || !this.checkTx(tx)) return false;
      ids.add(tx.id);
    }
    return true;
  }

  /**
   * Local policy, not validity: a proposal that leaves out one of this node's own transactions,
   * pending past the censorship timeout although the block had room for it, gets a nil prevote.
   * Only own transactions count: the origin re-announces them, so every connected member has had
   * them long before the timeout.
   */
  acceptProposal(block: Block, now: number): boolean {
    const { genesis, self, mempool } = this.deps;
    const { maxBlockTxs, maxBlockBytes, censorshipTimeoutMs } = genesis.consensus;
    if (block.txs.length >= maxBlockTxs) return true;
    const included = new Set(block.txs.map((t) => t.id));
    let blockBytes: number | undefined;
    for (const tx of mempool.waitingSince(now - censorshipTimeoutMs)) {
      if (tx.body.org !== self || included.has(tx.id)) continue;
      blockBytes ??= block.txs.reduce((n, t) => n + sizeOf(t), 0);
      if (blockBytes + mempool.bytesOf(tx.id) <= maxBlockBytes) return false;
    }
    return true;
  }

  buildBlock(height: number, round: number, parentHash: string, minTimestamp: number, now: number): Block {
    const { genesis, self, mempool, store } = this.deps;
    const limits = genesis.consensus;
    const txs = mempool.take(limits.maxBlockTxs, limits.maxBlockBytes).filter((t) => !store.hasTx(t.id));
    return {
      header: {
        network: genesis.network,
        height,
        view: round,
        parentHash,
        txRoot: txRootOf(txs),
        txCount: txs.length,
        proposer: self,
        timestamp: Math.max(now, minTimestamp),
      },
      txs,
    };
  }

  commit(block: Block, hash: string, certificate: CommitCertificate): void {
    const { store, mempool } = this.deps;
    const committed: CommittedBlock = { hash, block, certificate };
    const results = executeBlock(block, store);
    store.commitBlock(committed, results);
    const now = Date.now();
    for (const tx of block.txs) {
      mempool.remove(tx.id);
      const at = this.acknowledged.get(tx.id);
      if (at !== undefined) {
        this.acknowledged.delete(tx.id);
        this.emit('latency', (now - at) / 1000);
      }
    }
    this.emit('commit', committed, results);
  }

  private remember(tx: Transaction): void {
    this.verified.add(cacheKey(tx));
    if (this.verified.size > VERIFIED_CACHE) {
      const oldest = this.verified.values().next().value;
      if (oldest !== undefined) this.verified.delete(oldest);
    }
  }
}

function cacheKey(tx: Transaction): string {
  return `${tx.id}:${tx.signature}`;
}

function sizeOf(tx: Transaction): number {
  return Buffer.byteLength(JSON.stringify(tx));
}
