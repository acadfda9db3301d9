import type { ConsensusParams } from './genesis.js';

/** Consensus parameters written into genesis unless the network file overrides them. */
export const DEFAULT_CONSENSUS: ConsensusParams = {
  proposeMs: 1000,
  prevoteMs: 500,
  precommitMs: 500,
  deltaMs: 500,
  commitMs: 20,
  emptyBlockIntervalMs: 10_000,
  maxClockDriftMs: 5_000,
  maxBlockTxs: 2_000,
  maxBlockBytes: 16 * 1024 * 1024,
  censorshipTimeoutMs: 15_000,
};

export const DEFAULT_BODY_LIMIT = 10 * 1024 * 1024;
export const DEFAULT_MEMPOOL = { maxTxs: 20_000, maxBytes: 512 * 1024 * 1024 };
