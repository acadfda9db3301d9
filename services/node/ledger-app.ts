import { EventEmitter } from 'node:events';
import type { SubmitContext } from '../api/types.js';
import { fromHex } from '../common/encoding.js';
import { ErrorCode, WaybillError } from '../common/errors.js';
import type { Genesis } from '../config/genesis.js';
import type { Signer } from '../crypto/index.js';
import { verify } from '../crypto/index.js';
import { assignEventIds, validateCaptureDocument } from '../epcis/index.js';
import { eventsOf, executeBlock } from '../execution/index.js';
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
export class LedgerApp extends EventEmitter<{ commit: [CommittedBlock]; txs: [Transaction[]] }> {
  private readonly memberKeys: Map<string, Uint8Array>;
  /** Transaction ids whose signature and document were already checked (insertion-ordered). */
  private readonly verified = new Set<string>();

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
    mempool.add(tx, sizeOf(tx));
    store.addPending(tx);
    this.remember(tx.id);
    return { tx, fresh: true };
  }

  /** Transactions gossiped by peers: kept only if valid. Returns those that were new. */
  receive(txs: readonly Transaction[]): Transaction[] {
    const { store, mempool } = this.deps;
    const added: Transaction[] = [];
    for (const tx of txs) {
      if (mempool.has(tx.id) || store.hasTx(tx.id) || !this.checkTx(tx)) continue;
      try {
        if (mempool.add(tx, sizeOf(tx))) added.push(tx);
      } catch {
        // Full or conflicting: the origin node keeps it and gossips it again later.
      }
    }
    return added;
  }

  /** Transaction validity: same answer on every node for the same committed state. */
  checkTx(tx: Transaction): boolean {
    if (this.verified.has(tx.id)) return true;
    const key = this.memberKeys.get(tx.body.org);
    if (!key || tx.body.network !== this.deps.genesis.network) return false;
    if (!verifyTx(tx, key, verify)) return false;
    const checked = validateCaptureDocument(tx.body.document);
    if (!checked.ok || eventsOf(tx).some((e) => typeof e.eventID !== 'string')) return false;
    this.remember(tx.id);
    return true;
  }

  validateBlock(block: Block): boolean {
    const ids = new Set<string>();
    for (const tx of block.txs) {
      if (ids.has(tx.id) || this.deps.store.hasTx(tx.id) || !this.checkTx(tx)) return false;
      ids.add(tx.id);
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
    store.commitBlock(committed, executeBlock(block, store));
    for (const tx of block.txs) mempool.remove(tx.id);
    this.emit('commit', committed);
  }

  private remember(id: string): void {
    this.verified.add(id);
    if (this.verified.size > VERIFIED_CACHE) {
      const oldest = this.verified.values().next().value;
      if (oldest !== undefined) this.verified.delete(oldest);
    }
  }
}

function sizeOf(tx: Transaction): number {
  return Buffer.byteLength(JSON.stringify(tx));
}
