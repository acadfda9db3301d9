import { hashOf } from '../../common/index.js';
import type { Verify } from '../../crypto/index.js';
import {
  type Block,
  type CommitCertificate,
  headerHash,
  quorumOf,
  verifyCertificate,
} from '../../ledger/index.js';
import { verifyEvidence } from '../evidence.js';
import { proposalSignatureOk, voteSignatureOk } from '../messages.js';
import type { ChainTip, ConsensusMessage, Evidence, Proposal, Validator, Vote } from '../types.js';

const MAX_VIOLATIONS = 20;

interface TxRecord {
  org: string;
  submittedAt: number;
  committedAt?: number;
}

/**
 * Watches every honest node of a run and records violations of what consensus must guarantee:
 * safety (one block per height everywhere), validity (only submitted transactions, each at most
 * once), well-linked chains with valid certificates, no node ever signing two different messages
 * for one (height, round, type), which is what persistence across restarts protects, and evidence
 * that always verifies and only ever names a Byzantine member. Nodes of Byzantine members (twins
 * included) are not held to any of this.
 */
export class Monitor {
  readonly violations: string[] = [];
  readonly evidence = { reports: 0, kinds: {} as Record<string, number>, members: new Set<string>() };
  private readonly decided = new Map<number, string>();
  private readonly txs = new Map<string, TxRecord>();
  private readonly signed = new Map<string, string>();
  /** Slots of Byzantine signers as each honest node received them (`received`). */
  private readonly seenValues = new Map<string, string>();
  private readonly seenTwice = new Set<string>();
  equivocationsSeen = 0;
  /** Validator keys and quorum per distinct validator list (membership changes). */
  private readonly sets = new Map<readonly Validator[], { keys: Map<string, Uint8Array>; quorum: number }>();

  constructor(
    private readonly network: string,
    private readonly members: ReadonlyMap<string, Uint8Array>,
    private readonly verify: Verify,
    /** Ids of Byzantine members. */
    private readonly byzantine: ReadonlySet<string> = new Set(),
    /** Simulated time, for transaction latencies. */
    private readonly clock: () => number = () => 0,
  ) {}

  violation(text: string): void {
    if (this.violations.length < MAX_VIOLATIONS) this.violations.push(text);
  }

  submit(txId: string, org: string): void {
    this.txs.set(txId, { org, submittedAt: this.clock() });
  }

  /** An honest node's `evidence` action: it must verify and accuse a Byzantine member. */
  reportEvidence(node: string, e: Evidence): void {
    if (this.byzantine.has(node)) return;
    if (!verifyEvidence(e, this.network, this.members, this.verify)) {
      this.violation(`evidence: ${node} reported ${e.kind} against ${e.member} that does not verify`);
    }
    if (!this.byzantine.has(e.member)) {
      this.violation(
        `evidence: ${node} accused honest member ${e.member} (${e.kind} h${e.height} r${e.round})`,
      );
    }
    this.evidence.reports++;
    this.evidence.kinds[e.kind] = (this.evidence.kinds[e.kind] ?? 0) + 1;
    this.evidence.members.add(e.member);
  }

  /** Per org: submitted, committed (by any honest node) and the worst submit-to-commit time. */
  txsByOrg(): Record<string, { submitted: number; committed: number; maxLatencyMs: number }> {
    const out: Record<string, { submitted: number; committed: number; maxLatencyMs: number }> = {};
    for (const tx of this.txs.values()) {
      const o = out[tx.org] ?? { submitted: 0, committed: 0, maxLatencyMs: 0 };
      out[tx.org] = o;
      o.submitted++;
      if (tx.committedAt === undefined) continue;
      o.committed++;
      o.maxLatencyMs = Math.max(o.maxLatencyMs, tx.committedAt - tx.submittedAt);
    }
    return out;
  }

  /**
   * A Byzantine member's proposal or vote reaching an honest node at the height it is for. Two
   * values for one slot reaching one such node is an equivocation that node must report: counted
   * here so a test can tell "nothing to catch" (a twin that never diverged) from "missed".
   */
  received(node: string, m: ConsensusMessage, deciding: number): void {
    if (m.type === 'decision' || m.height !== deciding || this.byzantine.has(node)) return;
    const signer = m.type === 'proposal' ? m.proposer : m.voter;
    const key = this.members.get(signer);
    if (!this.byzantine.has(signer) || !key) return;
    const value = m.type === 'proposal' ? headerHash(m.block.header) : (m.blockHash ?? 'nil');
    const signed =
      m.type === 'proposal'
        ? proposalSignatureOk(this.verify, this.network, key, m, value)
        : voteSignatureOk(this.verify, this.network, key, m);
    if (!signed) return; // junk signatures (badSignatures) prove nothing
    const slot = `${node} ${signer} ${m.type} h${m.height} r${m.round}`;
    const before = this.seenValues.get(slot);
    if (before === undefined) this.seenValues.set(slot, value);
    else if (before !== value && !this.seenTwice.has(slot)) {
      this.seenTwice.add(slot);
      this.equivocationsSeen++;
    }
  }

  /** Every proposal or vote a node sends under its own name. */
  sent(node: string, m: ConsensusMessage): void {
    if (m.type === 'decision' || this.byzantine.has(node)) return;
    const signer = m.type === 'proposal' ? m.proposer : m.voter;
    if (signer !== node) return;
    const slot = `${signer} ${m.type} h${m.height} r${m.round}`;
    const before = this.signed.get(slot);
    if (before === undefined) this.signed.set(slot, m.signature);
    else if (before !== m.signature) this.violation(`equivocation: ${slot} signed twice differently`);
  }

  /**
   * An honest node sent an own proposal or vote before the state holding it was persisted: a
   * crash right after would let it sign another one for the same slot. (A twin may relay what its
   * other half signed, so Byzantine members are excused.)
   */
  sentUnpersisted(node: string, m: Proposal | Vote): void {
    if (this.byzantine.has(node)) return;
    this.violation(`crash safety: ${node} sent its ${m.type} h${m.height} r${m.round} before persisting it`);
  }

  /**
   * A node commits `block` on top of `tip`, having already committed the txs in `chainTxs`;
   * `validators` decide the block's height by the node's own chain (safety makes it everyone's).
   */
  commit(
    node: string,
    tip: ChainTip,
    chainTxs: ReadonlySet<string>,
    block: Block,
    hash: string,
    cert: CommitCertificate,
    validators: readonly Validator[],
  ): void {
    if (this.byzantine.has(node)) return;
    const height = block.header.height;
    if (height !== tip.height + 1 || block.header.parentHash !== tip.hash) {
      this.violation(`chain: ${node} committed height ${height} on top of height ${tip.height}`);
    }
    if (hash !== headerHash(block.header) || cert.blockHash !== hash || cert.height !== height) {
      this.violation(`certificate: ${node} at height ${height} names another block`);
    } else {
      const set = this.setOf(validators);
      if (!verifyCertificate(cert, this.network, set.keys, set.quorum, this.verify)) {
        this.violation(`certificate: ${node} at height ${height} lacks a quorum of valid precommits`);
      }
      // Only the validators of the height sign its certificate: never a removed one, never a joiner
      // before its change is in force.
      const outsider = cert.signatures.find((s) => !set.keys.has(s.member));
      if (outsider) {
        this.violation(
          `certificate: ${node} at height ${height} names ${outsider.member}, not a validator there`,
        );
      }
    }
    const first = this.decided.get(height);
    if (first === undefined) this.decided.set(height, hash);
    else if (first !== hash)
      this.violation(
        `safety: ${node} committed ${hash.slice(0, 12)} at height ${height}, another node ${first.slice(0, 12)}`,
      );
    this.checkTxs(node, height, chainTxs, block);
  }

  private setOf(validators: readonly Validator[]): { keys: Map<string, Uint8Array>; quorum: number } {
    let set = this.sets.get(validators);
    if (!set) {
      set = {
        keys: new Map(validators.map((v) => [v.id, v.publicKey])),
        quorum: quorumOf(validators.length).quorum,
      };
      this.sets.set(validators, set);
    }
    return set;
  }

  private checkTxs(node: string, height: number, chainTxs: ReadonlySet<string>, block: Block): void {
    const inBlock = new Set<string>();
    for (const tx of block.txs) {
      const record = this.txs.get(tx.id);
      if (record && record.committedAt === undefined) record.committedAt = this.clock();
      if (!record || hashOf(tx.body) !== tx.id) {
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
