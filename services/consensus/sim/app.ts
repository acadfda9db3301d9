import { hashOf } from '../../common/index.js';
import type { Signer, Verify } from '../../crypto/index.js';
import {
  type Block,
  type CommitCertificate,
  type CommittedBlock,
  EMPTY_ROOT,
  signTx,
  type Transaction,
  txRootOf,
  verifyTx,
} from '../../ledger/index.js';
import type { ChainTip, Validator } from '../types.js';

/** Blocks between the block committing a change and the first block under it (execution/membership.ts). */
export const SIM_ACTIVATION_DELAY = 2;

/** The simulated application keeps no custody state: its blocks carry fixed roots. */
export const SIM_APP_ROOTS = {
  parentStateRoot: EMPTY_ROOT,
  parentResultsRoot: EMPTY_ROOT,
  rulesHash: EMPTY_ROOT,
};

export interface SimAppOptions {
  network: string;
  self: string;
  genesis: ChainTip;
  maxBlockTxs: number;
  /** Org id -> public key, to verify transaction signatures. */
  orgKeys: ReadonlyMap<string, Uint8Array>;
  verify: Verify;
  /** A censoring leader: build_block leaves out this org's transactions. */
  censorOrg?: string;
  /** The censorship policy: see `acceptProposal`. Absent: every valid block is accepted. */
  censorshipTimeoutMs?: number;
  /** The validators at genesis; membership changes start from them and never go below their count. */
  validators: readonly Validator[];
}

/** A validator-set change as the simulated ledger carries it: the k-th change of the scenario. */
export interface SimMemberChange {
  action: 'add' | 'remove';
  id: string;
  seq: number;
}

/** The change a transaction carries, if it is one (the sim's stand-in for an approved member proposal). */
export function memberChangeOf(tx: Transaction): SimMemberChange | undefined {
  const body = tx.body as { kind: string; change?: SimMemberChange };
  return body.kind === 'member_proposal' ? body.change : undefined;
}

/**
 * The application one simulated node runs under consensus: a mempool of synthetic capture
 * transactions and the committed chain. The chain and this node's own pending transactions are
 * durable (they survive a crash, like the node's SQLite file); the rest of the mempool is not.
 */
export class SimApp {
  readonly chain: CommittedBlock[] = [];
  private readonly committed = new Set<string>();
  /** Insertion-ordered, so blocks are filled first come first served on every run. */
  private mempool = new Map<string, Transaction>();
  /** When each pending transaction reached this node (its clock), oldest first. */
  private arrivals = new Map<string, number>();
  /** The validator set from each height on: genesis, then one entry per committed change. */
  private readonly schedule: { from: number; list: readonly Validator[] }[];
  /** Changes committed so far (the next one must carry this seq). */
  private changes = 0;

  constructor(private readonly opts: SimAppOptions) {
    this.schedule = [{ from: 0, list: opts.validators }];
  }

  /**
   * The validators deciding `height` (ConsensusConfig.validatorsAt): the changes committed at
   * heights up to height - 2, so a node entering `height` (it has committed height - 1) knows
   * them. The same array while the set is unchanged.
   */
  validatorsAt(height: number): readonly Validator[] {
    for (let i = this.schedule.length - 1; i > 0; i--) {
      const e = this.schedule[i] as (typeof this.schedule)[number];
      if (e.from <= height) return e.list;
    }
    return (this.schedule[0] as (typeof this.schedule)[number]).list;
  }

  /** Validator-set changes this chain has put in force or scheduled. */
  get setChanges(): number {
    return this.schedule.length - 1;
  }

  /** The set after one change; a change that no longer applies, or would go below genesis's count, changes nothing. */
  private applied(list: readonly Validator[], c: SimMemberChange): readonly Validator[] {
    const has = list.some((v) => v.id === c.id);
    if (c.action === 'add') {
      const key = this.opts.orgKeys.get(c.id);
      return has || !key ? list : [...list, { id: c.id, publicKey: key }];
    }
    if (!has || list.length - 1 < this.opts.validators.length) return list;
    return list.filter((v) => v.id !== c.id);
  }

  get height(): number {
    return this.chain.length;
  }

  get committedTxs(): ReadonlySet<string> {
    return this.committed;
  }

  get pending(): number {
    return this.mempool.size;
  }

  tip(): ChainTip {
    const last = this.chain.at(-1);
    if (!last) return this.opts.genesis;
    return { height: last.block.header.height, hash: last.hash, timestamp: last.block.header.timestamp };
  }

  /** Returns true when the transaction is new to this node. */
  addTx(tx: Transaction, now: number): boolean {
    if (this.committed.has(tx.id) || this.mempool.has(tx.id)) return false;
    this.mempool.set(tx.id, tx);
    this.arrivals.set(tx.id, now);
    return true;
  }

  /** Pending transactions that reached this node at least `ageMs` before `now`. */
  pendingSince(ageMs: number, now: number): Transaction[] {
    const out: Transaction[] = [];
    for (const [id, at] of this.arrivals) {
      if (now - at < ageMs) break;
      const tx = this.mempool.get(id);
      if (tx) out.push(tx);
    }
    return out;
  }

  /**
   * The node's censorship policy, a local and non-deterministic check: refuse a block that leaves
   * out a transaction pending here for longer than the censorship timeout although it had room.
   */
  acceptProposal(block: Block, now: number): boolean {
    const limit = this.opts.censorshipTimeoutMs;
    if (limit === undefined || block.txs.length >= this.opts.maxBlockTxs) return true;
    const included = new Set(block.txs.map((tx) => tx.id));
    for (const [id, at] of this.arrivals) {
      if (now - at <= limit) break; // oldest first: the rest are younger
      if (!included.has(id)) return false;
    }
    return true;
  }

  /** The driver's answer to build_block: up to K pending transactions not yet committed. */
  build(height: number, round: number, parentHash: string, minTimestamp: number, now: number): Block {
    const txs: Transaction[] = [];
    let seq = this.changes;
    for (const tx of this.mempool.values()) {
      if (txs.length >= this.opts.maxBlockTxs) break;
      if (this.committed.has(tx.id) || tx.body.org === this.opts.censorOrg) continue;
      const change = memberChangeOf(tx);
      if (change && change.seq !== seq) continue; // changes go in their order, one after another
      if (change) seq++;
      txs.push(tx);
    }
    const { network, self: proposer } = this.opts;
    const timestamp = Math.max(now, minTimestamp);
    const header = {
      network,
      height,
      view: round,
      parentHash,
      txRoot: txRootOf(txs),
      txCount: txs.length,
      proposer,
      timestamp,
      ...SIM_APP_ROOTS,
    };
    return { header, txs };
  }

  /** Application validity: signed by a member, never committed before, not twice in the block. */
  validate(block: Block): boolean {
    const seen = new Set<string>();
    let seq = this.changes;
    for (const tx of block.txs) {
      if (seen.has(tx.id) || this.committed.has(tx.id)) return false;
      const change = memberChangeOf(tx);
      if (change && change.seq !== seq++) return false;
      const key = this.opts.orgKeys.get(tx.body.org);
      if (!key || !verifyTx(tx, key, this.opts.verify)) return false;
      seen.add(tx.id);
    }
    return true;
  }

  commit(block: Block, hash: string, certificate: CommitCertificate): void {
    this.chain.push({ hash, block, certificate });
    for (const tx of block.txs) {
      const change = memberChangeOf(tx);
      if (change) {
        this.changes++;
        const last = this.schedule[this.schedule.length - 1] as (typeof this.schedule)[number];
        const list = this.applied(last.list, change);
        const from = block.header.height + SIM_ACTIVATION_DELAY;
        if (list !== last.list) {
          if (last.from === from) last.list = list;
          else this.schedule.push({ from, list });
        }
      }
      this.committed.add(tx.id);
      this.mempool.delete(tx.id);
      this.arrivals.delete(tx.id);
    }
  }

  /** A crash loses the volatile part: transactions gossiped in from other nodes. */
  crash(): void {
    this.mempool = new Map([...this.mempool].filter(([, tx]) => tx.body.org === this.opts.self));
    this.arrivals = new Map([...this.arrivals].filter(([id]) => this.mempool.has(id)));
  }
}

/** A synthetic capture: a real, signed Transaction whose id is hashOf(body). */
export function syntheticTx(network: string, org: string, signer: Signer, n: number): Transaction {
  const document = { type: 'EPCISDocument', schemaVersion: '2.0', simTx: n, epcisBody: { eventList: [] } };
  const tx = signTx(
    { kind: 'capture', network, org, submitter: 'sim-client', errorBehaviour: 'proceed', document },
    signer,
  );
  if (tx.id !== hashOf(tx.body)) throw new Error('transaction id is not the hash of its body');
  return tx;
}

/**
 * A validator-set change as a signed transaction (the simulator stands in for the 2f+1 approvals
 * of execution/membership.ts with one transaction: what consensus sees is the block that approves).
 */
export function memberChangeTx(
  network: string,
  org: string,
  signer: Signer,
  change: SimMemberChange,
): Transaction {
  const body = { kind: 'member_proposal', network, org, change, basis: change.seq };
  return signTx(body as unknown as Parameters<typeof signTx>[0], signer);
}
