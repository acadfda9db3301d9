import { blockCostLimit, type Genesis } from '../config/index.js';
import { EMPTY_STATE_ROOT } from '../contracts/index.js';
import {
  type Block,
  type BlockHeader,
  blockCost,
  EMPTY_ROOT,
  type Transaction,
  txCost,
  txRootOf,
} from '../ledger/index.js';
import type { Mempool } from '../mempool/index.js';
import type { Store } from '../storage/index.js';
import { type AppRoots, rootsDiffer } from './block-checks.js';
import type { MemberBook } from './member-book.js';
import type { RuleRegistry } from './rules-book.js';
import { sizeOf, type TxChecker } from './tx-check.js';

export interface BlockProducerComponents {
  genesis: Genesis;
  self: string;
  store: Pick<Store, 'hasTx' | 'blockRoots'>;
  mempool: Mempool;
  rules: Pick<RuleRegistry, 'at'>;
  members: Pick<MemberBook, 'at'>;
  checker: Pick<TxChecker, 'checkTx'>;
}

/** Blocks for consensus: built from the mempool when this node proposes, validated when a peer does. */
export class BlockProducer {
  constructor(private readonly c: BlockProducerComponents) {}

  buildBlock(height: number, round: number, parentHash: string, minTimestamp: number, now: number): Block {
    const { genesis, mempool, store } = this.c;
    const limits = genesis.consensus;
    // A removed member's transactions, or ones signed with a key rotated away, are not ordered.
    const txs = mempool
      .take(limits.maxBlockTxs, limits.maxBlockBytes, blockCostLimit(limits))
      .filter((t) => !store.hasTx(t.id) && this.c.checker.checkTx(t, height));
    return this.blockOf(txs, height, round, parentHash, Math.max(now, minTimestamp));
  }

  /** A block of `txs` on top of the committed chain, with the roots its header must carry. */
  blockOf(txs: Transaction[], height: number, round: number, parentHash: string, timestamp: number): Block {
    const { genesis, self } = this.c;
    const roots = this.rootsFor(height);
    if (!roots) throw new Error(`block ${height - 1} is not committed here; cannot build block ${height}`);
    const header: BlockHeader = {
      network: genesis.network,
      height,
      view: round,
      parentHash,
      txRoot: txRootOf(txs),
      txCount: txs.length,
      proposer: self,
      timestamp,
      ...roots,
    };
    return { header, txs };
  }

  /**
   * Validity of a proposal (deterministic: the same answer on every node). Over the genesis cost
   * limit only with a single transaction, which may exceed it on its own (Mempool.take).
   */
  validateBlock(block: Block): boolean {
    const { height } = block.header;
    const expected = this.rootsFor(height);
    if (!expected || rootsDiffer(block.header, expected)) return false;
    if (block.txs.length > 1 && blockCost(block.txs) > blockCostLimit(this.c.genesis.consensus)) return false;
    const ids = new Set<string>();
    for (const tx of block.txs) {
      if (ids.has(tx.id) || this.c.store.hasTx(tx.id) || !this.c.checker.checkTx(tx, height)) return false;
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
    const { genesis, self, mempool } = this.c;
    const { maxBlockTxs, maxBlockBytes, censorshipTimeoutMs } = genesis.consensus;
    if (block.txs.length >= maxBlockTxs) return true;
    const included = new Set(block.txs.map((t) => t.id));
    const maxCost = blockCostLimit(genesis.consensus);
    let blockBytes: number | undefined;
    let cost: number | undefined;
    for (const tx of mempool.waitingSince(now - censorshipTimeoutMs)) {
      if (tx.body.org !== self || included.has(tx.id)) continue;
      cost ??= blockCost(block.txs);
      if (cost + txCost(tx) > maxCost) continue; // no room by execution cost
      blockBytes ??= block.txs.reduce((n, t) => n + sizeOf(t), 0);
      if (blockBytes + mempool.bytesOf(tx.id) <= maxBlockBytes) return false;
    }
    return true;
  }

  /**
   * What the header at `height` must carry: the roots block height-1 left, the rules in force and
   * the member sets of this height and the next (known: a change activates two blocks after its approval).
   */
  rootsFor(height: number): AppRoots | undefined {
    const { rules, members, store } = this.c;
    const fixed = {
      rulesHash: rules.at(height).hash,
      membersHash: members.at(height).hash,
      nextMembersHash: members.at(height + 1).hash,
    };
    if (height === 1) return { parentStateRoot: EMPTY_STATE_ROOT, parentResultsRoot: EMPTY_ROOT, ...fixed };
    const parent = store.blockRoots(height - 1);
    return parent && { parentStateRoot: parent.stateRoot, parentResultsRoot: parent.resultsRoot, ...fixed };
  }
}
