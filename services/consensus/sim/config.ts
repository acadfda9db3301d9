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

export interface SimConfig {
  seed: number;
  nodes: number;
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
  /** TEST ONLY: crashed nodes also lose their persisted state, as with a driver that never fsyncs. */
  amnesia?: boolean;
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
  virtualMs: number;
  events: number;
  messages: { delivered: number; dropped: number };
  txs: { submitted: number; committed: number; pending: number };
  /** Info and warn log events of all cores, counted by name. */
  logEvents: Record<string, number>;
}

/** When the last fault is over: partitions healed, crashed nodes restarted or crashed for good. */
export function lastFaultEnd(cfg: Pick<SimConfig, 'network' | 'crashes'>): number {
  const ends = [
    0,
    ...cfg.network.partitions.map((p) => p.until),
    ...cfg.crashes.map((c) => c.restartAt ?? c.at),
  ];
  return Math.max(...ends);
}
