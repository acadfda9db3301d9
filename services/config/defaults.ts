import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConsensusParams } from './genesis.js';

/**
 * Genesis `consensus.maxBlockCost` by default (cost units of ledger/tx-cost.ts). See
 * docs/consensus.md, "Block size": a full block's apply must fit a round on every member's
 * machine, also with ten members sharing two cores; larger blocks do not raise throughput, since
 * a full block already carries each round's fixed costs many times over.
 */
export const DEFAULT_MAX_BLOCK_COST = 20_000;

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
  maxBlockCost: DEFAULT_MAX_BLOCK_COST,
  censorshipTimeoutMs: 15_000,
};

/** A network's block cost limit: its genesis value, or the default for genesis files older than it. */
export function blockCostLimit(params: ConsensusParams): number {
  return params.maxBlockCost ?? DEFAULT_MAX_BLOCK_COST;
}

export const DEFAULT_BODY_LIMIT = 10 * 1024 * 1024;
/**
 * Requests a second per API client (node.json api.rateLimit), with the burst a client may send at
 * once: far above what an ERP, the demo, the tests or the benchmarks send, so only a runaway or
 * hostile client meets it.
 */
export const DEFAULT_RATE_LIMIT = { perSecond: 2_000, burst: 4_000 };
/**
 * Bytes are the transactions' JSON size; in memory they take several times that. Past a limit a
 * capture gets 429 MEMPOOL_FULL at once, not a 202 followed by minutes of waiting, and a node's
 * memory stays bounded. `maxCost` bounds the backlog in execution cost (ledger/tx-cost.ts) and is
 * the one met first under overload: three full blocks (DEFAULT_MAX_BLOCK_COST), a few seconds of
 * work at saturation, about 20,000 ERP events; peers' transactions are kept up to twice that.
 */
export const DEFAULT_MEMPOOL = {
  maxTxs: 10_000,
  maxBytes: 64 * 1024 * 1024,
  maxCost: 3 * DEFAULT_MAX_BLOCK_COST,
  /**
   * Once the commit rate is known, own captures are refused past three seconds of it (at least a
   * quarter block): under overload, intake work for captures that wait a minute for their block
   * took the CPU those blocks needed (mempool.ts `backlogSeconds`, docs/consensus.md).
   */
  backlogSeconds: 3,
  minCost: DEFAULT_MAX_BLOCK_COST / 4,
};

/**
 * The consortium rules shipped with Waybill (contracts/ at the package root): the default genesis
 * rule set. Found by walking up to the package, so it works from dist/ and from the sources.
 */
export function defaultContractsDir(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== dirname(dir); dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'waybill') {
      return join(dir, 'contracts');
    }
  }
  throw new Error('the waybill package root (with contracts/) was not found');
}
