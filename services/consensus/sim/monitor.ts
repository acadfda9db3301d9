import { hashOf } from '../../common/encoding.js';
import type { Verify } from '../../crypto/index.js';
import {
  type Block,
  type CommitCertificate,
  headerHash,
  quorumOf,
  verifyCertificate,
} from '../../ledger/index.js';
import type { ChainTip, ConsensusMessage } from '../types.js';

const MAX_VIOLATIONS = 20;

/**
 * Watches every node of a run and records violations of what consensus must guarantee:
 * safety (one block per height everywhere), validity (only submitted transactions, each at most
 * once), well-linked chains with valid certificates, and no node ever signing two different
 * messages for one (height, round, type), which is what persistence across restarts protects.
 */
export class Monitor {
  readonly violations: string[] = [];
  private readonly decided = new Map<number, string>();
  private readonly submitted = new Set<string>();
  private readonly signed = new Map<string, string>();
  private readonly quorum: number;

  constructor(
    private readonly network: string,
    private readonly members: ReadonlyMap<string, Uint8Array>,
    private readonly verify: Verify,
  ) {
    this.quorum = quorumOf(members.size).quorum;
  }

  violation(text: string): void {
    if (this.violations.length < MAX_VIOLATIONS) this.violations.push(text);
  }

  submit(txId: string): void {
    this.submitted.add(txId);
  }

  /** Every proposal or vote a node sends under its own name. */
  sent(node: string, m: ConsensusMessage): void {
    if (m.type === 'decision') return;
    const signer = m.type === 'proposal' ? m.proposer : m.voter;
    if (signer !== node) return;
    const slot = `${signer} ${m.type} h${m.height} r${m.round}`;
    const before = this.signed.get(slot);
    if (before === undefined) this.signed.set(slot, m.signature);
    else if (before !== m.signature) this.violation(`equivocation: ${slot} signed twice differently`);
  }

  /** A node commits `block` on top of `tip`, having already committed the txs in `chainTxs`. */
  commit(
    node: string,
    tip: ChainTip,
    chainTxs: ReadonlySet<string>,
    block: Block,
    hash: string,
    cert: CommitCertificate,
  ): void {
    const height = block.header.height;
    if (height !== tip.height + 1 || block.header.parentHash !== tip.hash) {
      this.violation(`chain: ${node} committed height ${height} on top of height ${tip.height}`);
    }
    if (hash !== headerHash(block.header) || cert.blockHash !== hash || cert.height !== height) {
      this.violation(`certificate: ${node} at height ${height} names another block`);
    } else if (!verifyCertificate(cert, this.network, this.members, this.quorum, this.verify)) {
      this.violation(`certificate: ${node} at height ${height} lacks a quorum of valid precommits`);
    }
    const first = this.decided.get(height);
    if (first === undefined) this.decided.set(height, hash);
    else if (first !== hash)
      this.violation(
        `safety: ${node} committed ${hash.slice(0, 12)} at height ${height}, another node ${first.slice(0, 12)}`,
      );
    this.checkTxs(node, height, chainTxs, block);
  }

  private checkTxs(node: string, height: number, chainTxs: ReadonlySet<string>, block: Block): void {
    const inBlock = new Set<string>();
    for (const tx of block.txs) {
      if (!this.submitted.has(tx.id) || hashOf(tx.body) !== tx.id) {
        this.violation(
          `validity: ${node} committed unsubmitted tx ${tx.id.slice(0, 12)} at height ${height}`,
        );
      }
      if (chainTxs.has(tx.id) || inBlock.has(tx.id)) {
        this.violation(`validity: ${node} committed tx ${tx.id.slice(0, 12)} twice (height ${height})`);
      }
      inBlock.add(tx.id);
    }
  }
}
