import type { ConsensusTimeouts } from '../types.js';
import type { SimCrypto } from './crypto.js';
import type { NetworkOptions } from './network.js';

/** A node crash at `at`; with `restartAt` it comes back from its persisted state, else stays down. */
export interface CrashSpec {
  /** A node index, or 'leader': the proposer of the next height when the crash happens. */
  node: number | 'leader';
  at: number;
  restartAt?: number;
}

/**
 * A Byzantine member. The member's node still runs the unchanged core; what makes it Byzantine is
 * what happens around it: a second process with the same key (Twins), or an adversary rewriting
 * what the core sends and what the node builds. Each spec is one faulty identity: a run keeps
 * `byzantine.length` plus permanent crashes of honest members at most f.
 */
export interface ByzantineSpec {
  /** Member index. */
  member: number;
  /**
   * Twins: a second process runs an honest core with this member's key and identity. Placed in
   * another partition group than the first, the two sign different messages for the same slots.
   */
  twin?: boolean;
  /** As proposer, sends different validly signed proposals (different blocks) to different peers. */
  equivocate?: boolean;
  /** Signs a conflicting second vote for each of its votes; each peer gets one of them or both. */
  doubleVote?: boolean;
  /** Its build_block leaves out every transaction of this org (a censoring leader). */
  censorOrg?: string;
  /** Adds copies with broken signatures: flipped, claimed by another member, or with changed content. */
  badSignatures?: boolean;
  /** Floods peers with junk: replays, far rounds, other heights, malformed fields, bogus decisions. */
  flood?: boolean;
}

/**
 * A change of the validator set, as governance makes it (issue 15): a transaction submitted at
 * simulated time `at` to every live node; the block that commits it at height h puts the change in
 * force from h + 2 (MEMBERS_ACTIVATION_DELAY), on every node at the same height.
 */
export interface MemberChangeSpec {
  action: 'add' | 'remove';
  /** Process index of the member (a joiner: one of the nodes after `validators`). */
  member: number;
  at: number;
}

export interface SimConfig {
  seed: number;
  /** Member processes: the genesis validators, then the joiners membership changes add. */
  nodes: number;
  /** Validators at genesis: members 0..validators-1. Absent: every node. */
  validators?: number;
  /**
   * Validator-set changes, applied in this order (change k only once changes 0..k-1 are in force
   * or committed), and never below `validators` validators, so f never shrinks below genesis's.
   */
  memberChanges?: MemberChangeSpec[];
  /**
   * A removed Byzantine validator that keeps signing after its removal: a process with its key and
   * name sending validly signed proposals, votes for real and phantom blocks, and decisions, at
   * every height. Its member must be Byzantine (in `byzantine`).
   */
  ghosts?: number[];
  /** The run ends once every live node has committed this many blocks (and liveness held). */
  blocks: number;
  crypto: SimCrypto;
  timeouts: ConsensusTimeouts;
  network: NetworkOptions;
  crashes: CrashSpec[];
  /** Each node's clock is off by a seeded amount in [-clockSkewMs, clockSkewMs]. */
  clockSkewMs: number;
  /** `count` synthetic transactions submitted to random nodes at random times in [0, spanMs). */
  txs: { count: number; spanMs: number };
  maxBlockTxs: number;
  /** After the last fault heals, every live node must commit this many more blocks. */
  livenessBlocks: number;
  /** Simulated time after which a run that has not finished is a liveness failure. */
  maxTimeMs: number;
  /** Byzantine members (see ByzantineSpec). Twin processes get indices nodes, nodes+1, ... in spec order. */
  byzantine?: ByzantineSpec[];
  /** Non-member processes (indices after the twins) that send signed junk under their own names. */
  outsiders?: number;
  /**
   * Honest nodes' censorship policy (`acceptProposal`): refuse a fresh proposal that leaves out a
   * transaction pending here longer than this (node clock, ms) although the block had room.
   */
  censorshipTimeoutMs?: number;
  /**
   * Every node re-gossips transactions pending with it for this long, every this often, as
   * services/node does: the censorship policy is live only if every correct node eventually holds
   * every transaction. Absent: transactions are gossiped once (and may be lost).
   */
  txRegossipMs?: number;
  /** TEST ONLY: crashed nodes also lose their persisted state, as with a driver that never fsyncs. */
  amnesia?: boolean;
  /**
   * TEST ONLY: the consensus store makes a state durable only when the next one is saved, as a
   * store whose save returns before the fsync: the crash-safety check must catch the early sends.
   */
  lazyPersist?: boolean;
  /** Debugging: called with every input and action of every node. */
  trace?: (line: string) => void;
}

export interface SimResult {
  seed: number;
  ok: boolean;
  violations: string[];
  /** Committed height of each node at the end. */
  heights: number[];
  /** Each node's chain as block hashes, height 1 first. */
  hashes: string[][];
  alive: boolean[];
  /** Rounds started above 0, summed over nodes: how often a round failed. */
  roundChanges: number;
  /** Blocks of the longest chain decided in a round above 0. */
  blocksAfterViewChange: number;
  crashes: number;
  /** Catch-up through the driver: batch requests sent, blocks committed from decisions. */
  sync: { requests: number; blocks: number };
  virtualMs: number;
  events: number;
  messages: { delivered: number; dropped: number };
  txs: { submitted: number; committed: number; pending: number };
  /** Info and warn log events of all cores, counted by name. */
  logEvents: Record<string, number>;
  /** Per process (members, then twins): whether it belongs to a Byzantine member. */
  byzantine: boolean[];
  /** Evidence actions of honest nodes: how many, of which kind, against which members. */
  /**
   * Evidence reported by honest nodes; `equivocationsSeen` counts the slots for which one honest
   * node, at that height, received two values from a Byzantine member (what it must report).
   */
  evidence: { reports: number; kinds: Record<string, number>; members: string[]; equivocationsSeen: number };
  /** Per submitting org: transactions submitted, committed, and the worst submit-to-commit time. */
  txsByOrg: Record<string, { submitted: number; committed: number; maxLatencyMs: number }>;
  /** Validator-set changes the longest honest chain put in force or scheduled. */
  setChanges: number;
  /** Transactions in the longest honest chain, by block proposer and then by submitting org. */
  txsByProposer: Record<string, Record<string, number>>;
}

/** The change (if any) the fault budget and the liveness check are about: who ends up removed. */
export function removedMembers(cfg: Pick<SimConfig, 'memberChanges'>): Set<number> {
  const out = new Set<number>();
  for (const c of cfg.memberChanges ?? []) {
    if (c.action === 'remove') out.add(c.member);
    else out.delete(c.member);
  }
  return out;
}

/** Process index of each twin: members are 0..nodes-1, twins follow in spec order. */
export function twinProcesses(cfg: Pick<SimConfig, 'nodes' | 'byzantine'>): Map<number, number> {
  const out = new Map<number, number>();
  for (const b of cfg.byzantine ?? []) if (b.twin) out.set(b.member, cfg.nodes + out.size);
  return out;
}

/** When the last fault is over: partitions healed, crashed nodes restarted or crashed for good. */
export function lastFaultEnd(cfg: Pick<SimConfig, 'network' | 'crashes' | 'memberChanges'>): number {
  const ends = [
    0,
    ...cfg.network.partitions.map((p) => p.until),
    ...cfg.crashes.map((c) => c.restartAt ?? c.at),
    // A membership change counts as a disturbance: liveness is measured after the last one too.
    ...(cfg.memberChanges ?? []).map((c) => c.at),
  ];
  return Math.max(...ends);
}
