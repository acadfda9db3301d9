import type { Signer, Verify } from '../crypto/index.js';
import type { Block, CommitCertificate } from '../ledger/index.js';

/**
 * Public contract of the consensus core: a pure state machine. Inputs go in through
 * `ConsensusCore.step(input)`, which returns actions for the driver to carry out IN ORDER.
 * The core never touches I/O, clocks, timers or randomness; time arrives inside inputs.
 */

export type Step = 'propose' | 'prevote' | 'precommit';

/**
 * The timers the core asks for: a round's three step timeouts, the waits before round 0
 * (`commit`, `empty`), and the retransmission tick (`resend`, HeightMachine.onResendTick).
 */
export type TimerKind = Step | 'commit' | 'empty' | 'resend';

export interface Validator {
  /** Org id. */
  id: string;
  publicKey: Uint8Array;
}

export interface ConsensusTimeouts {
  /** Base timeouts for each step in round 0; each later round adds `deltaMs` per round. */
  proposeMs: number;
  prevoteMs: number;
  precommitMs: number;
  deltaMs: number;
  /** Wait after a commit before starting the next height, so more precommits and txs arrive. */
  commitMs: number;
  /** With an empty mempool, a new height starts anyway after this long (heartbeat block). */
  emptyBlockIntervalMs: number;
  /** Voters reject a proposal whose timestamp is more than this far ahead of their clock. */
  maxClockDriftMs: number;
}

export interface ConsensusConfig {
  network: string;
  self: string;
  /** In genesis order; the proposer of (height, round) is validators[(height + round) % n]. */
  validators: readonly Validator[];
  /**
   * The validators deciding `height`, when the set changes by governance (absent: `validators` at
   * every height). Asked when the core enters a height, right after committing the one before, so it
   * may depend on committed blocks up to height - 2 only (a change activates two blocks after its
   * approval). Deterministic, like validateBlock; return the same array while the set is unchanged.
   * A node that is not in the list at a height (an observer) follows it without signing anything.
   */
  validatorsAt?: (height: number) => readonly Validator[];
  timeouts: ConsensusTimeouts;
  signer: Signer;
  verify: Verify;
  /**
   * Application validity of a proposed block beyond what the core checks itself (header
   * fields, parent hash, tx root, timestamp): e.g. transaction signatures, duplicates.
   * Must be a pure, deterministic function.
   */
  validateBlock(block: Block): boolean;
  /**
   * Local, non-deterministic policy on a fresh proposal from another member, at this node's clock
   * reading `now`: e.g. false when the block leaves out a transaction that has waited in this node's
   * mempool longer than the censorship timeout although the block had room. False makes the node
   * prevote nil for it (logged as `censorship_suspected`). It is asked only before the node's own
   * L22 prevote, never for a re-proposal backed by a polka (L28) nor before locking (L36): see
   * docs/consensus.md, "Censorship resistance". Absent: every valid block is accepted.
   */
  acceptProposal?: (block: Block, now: number) => boolean;
}

/** Where the chain stands when the core starts: the last committed block (or genesis). */
export interface ChainTip {
  /** Height of the last committed block; 0 = only genesis. */
  height: number;
  /** Hash of the last committed header, or the genesis hash at height 0. */
  hash: string;
  /** Timestamp of the last committed block (genesis: its timestamp). */
  timestamp: number;
}

export interface Proposal {
  type: 'proposal';
  height: number;
  round: number;
  block: Block;
  /** Tendermint's validRound: -1, or the round in which this block got a prevote quorum. */
  validRound: number;
  proposer: string;
  /** Over signingBytes(Domain.Proposal, { network, height, round, blockHash, validRound }). */
  signature: string;
}

export interface Vote {
  type: 'prevote' | 'precommit';
  height: number;
  round: number;
  /** null = a vote for nil. */
  blockHash: string | null;
  voter: string;
  /** Over voteBytes(type, network, height, round, blockHash) from ledger/block.ts. */
  signature: string;
}

/**
 * A proposal without its block: what the proposer's signature covers, signingBytes(Domain.Proposal,
 * { network, height, round, blockHash, validRound }). Enough to re-check the signature.
 */
export type SignedProposalHeader = {
  height: number;
  round: number;
  blockHash: string;
  validRound: number;
  proposer: string;
  signature: string;
};

/** Two votes by one member for one (height, round, type) with different blockHash (nil is a value). */
export type DuplicateVoteEvidence = {
  kind: 'duplicate_vote';
  member: string;
  height: number;
  round: number;
  /** The vote received first, then the conflicting one. Both are complete signed votes. */
  first: Vote;
  second: Vote;
};

/** Two proposals by one member for one (height, round) with different block hashes. */
export type ConflictingProposalEvidence = {
  kind: 'conflicting_proposal';
  member: string;
  height: number;
  round: number;
  first: SignedProposalHeader;
  second: SignedProposalHeader;
};

/**
 * Proof that a member signed two conflicting messages for one slot. Self-verifying with the genesis
 * keys alone: `verifyEvidence(evidence, network, members, verify)`.
 */
export type Evidence = DuplicateVoteEvidence | ConflictingProposalEvidence;

/** A committed block with its certificate, as served by catch-up. */
export interface Decision {
  type: 'decision';
  block: Block;
  certificate: CommitCertificate;
}

export type ConsensusMessage = Proposal | Vote | Decision;

/** Voting state that must be durable before any message that depends on it is sent. */
export interface PersistedState {
  height: number;
  round: number;
  step: Step;
  lockedRound: number;
  lockedBlock: Block | null;
  validRound: number;
  validBlock: Block | null;
  /** Own proposal and votes already signed at this height, so a restart re-sends, never re-signs. */
  sent: Array<Proposal | Vote>;
  /**
   * The 2f+1 prevotes behind validBlock. A node that restarts locked on a block whose polka it
   * no longer holds can neither prevote its own re-proposal (L28) nor relay the polka to the
   * others; if a voter in that polka is gone for good, nobody else may hold it either and the
   * height never ends (simulator seed 7422). CometBFT keeps received votes in its WAL for the
   * same reason. Absent in state persisted by older nodes.
   */
  validPolka?: Vote[];
}

export type ConsensusInput =
  | { type: 'start'; tip: ChainTip; now: number; persisted?: PersistedState | null }
  | { type: 'message'; from: string; message: ConsensusMessage; now: number }
  | { type: 'timeout'; height: number; round: number; step: TimerKind; now: number }
  /** The driver's answer to a `build_block` action. */
  | { type: 'block_built'; height: number; round: number; block: Block; now: number }
  /** The mempool went from empty to non-empty (or the reverse). */
  | { type: 'txs_available'; available: boolean; now: number }
  /** A peer (re)connected: the core re-sends what it has signed at the current height. */
  | { type: 'peer_connected'; peer: string; now: number };

export type ConsensusAction =
  /** Make this durable (fsync) before carrying out any later action. */
  | { type: 'persist'; state: PersistedState }
  | { type: 'broadcast'; message: ConsensusMessage }
  | { type: 'send'; to: string; message: ConsensusMessage }
  | {
      type: 'schedule_timeout';
      height: number;
      round: number;
      step: TimerKind;
      delayMs: number;
    }
  /** Ask the driver for a block: it fills txs from the mempool and answers with `block_built`. */
  | { type: 'build_block'; height: number; round: number; parentHash: string; minTimestamp: number }
  /** Store the block and apply it, in one storage transaction, before the next action. */
  | { type: 'commit'; block: Block; hash: string; certificate: CommitCertificate }
  /** A peer is ahead of us (seen at `height`): fetch decisions from it (catch-up). */
  | { type: 'sync_from'; peer: string; height: number }
  /** A peer is behind (seen at `height`): send it our decisions from that height on. */
  | { type: 'peer_behind'; peer: string; height: number }
  /**
   * A member equivocated: record the evidence (e.g. as a ledger transaction). Emitted once per
   * (member, height, round, type) for the core's lifetime; never blocks consensus.
   */
  | { type: 'evidence'; evidence: Evidence }
  /** For logs and metrics: round changes, rejected messages and why. */
  | { type: 'log'; level: 'debug' | 'info' | 'warn'; event: string; data: Record<string, unknown> };

/**
 * Where the height being decided stands: waiting out the commit timeout after the last block,
 * waiting for transactions (heartbeat blocks only), or in its rounds (proposals and votes).
 */
export type HeightPhase = 'after_commit' | 'awaiting_transactions' | 'in_round';

export interface CoreStatus {
  height: number;
  round: number;
  step: Step;
  proposer: string;
  phase: HeightPhase;
}

export interface ConsensusCore {
  step(input: ConsensusInput): ConsensusAction[];
  /** Read-only view for status endpoints. */
  readonly status: CoreStatus;
}
