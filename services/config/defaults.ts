import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
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
