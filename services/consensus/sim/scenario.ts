import type { ConsensusTimeouts } from '../types.js';
import { type CrashSpec, lastFaultEnd, type SimConfig } from './config.js';
import type { Partition } from './network.js';
import { Prng } from './prng.js';

/** Short timeouts keep simulated time (and so events) small; the protocol is the same. */
export const SIM_TIMEOUTS: ConsensusTimeouts = {
  proposeMs: 300,
  prevoteMs: 150,
  precommitMs: 150,
  deltaMs: 100,
  commitMs: 10,
  emptyBlockIntervalMs: 400,
  maxClockDriftMs: 2_000,
};

/** A calm network: no loss, no partitions, no crashes. Tests override what they exercise. */
export function baseScenario(seed: number, overrides: Partial<SimConfig> = {}): SimConfig {
  const blocks = overrides.blocks ?? 20;
  const cfg: SimConfig = {
    seed,
    nodes: 4,
    blocks,
    crypto: 'fake',
    timeouts: SIM_TIMEOUTS,
    network: { minLatencyMs: 5, maxLatencyMs: 40, dropRate: 0, partitions: [] },
    crashes: [],
    clockSkewMs: 50,
    txs: { count: blocks * 3, spanMs: blocks * 150 },
    maxBlockTxs: 10,
    livenessBlocks: 3,
    maxTimeMs: 0,
    ...overrides,
  };
  return { ...cfg, maxTimeMs: cfg.maxTimeMs || defaultDeadline(cfg) };
}

/**
 * Generous time for a run: every block may need a heartbeat wait and a couple of failed rounds,
 * plus a minute after the last fault. A correct run ends long before; a stuck one fails here.
 */
function defaultDeadline(cfg: SimConfig): number {
  const t = cfg.timeouts;
  const perBlock =
    t.commitMs + t.emptyBlockIntervalMs + 3 * (t.proposeMs + t.prevoteMs + t.precommitMs + 3 * t.deltaMs);
  return lastFaultEnd(cfg) + 60_000 + (cfg.blocks + cfg.livenessBlocks) * perBlock;
}

/**
 * Random faults for one seed, within what BFT tolerates: latency and its spread (reordering),
 * message loss, a partition that heals, a node that crashes and restarts, and at most f nodes
 * that crash for good. Everything follows from the seed, so a failing seed replays exactly.
 */
export function randomScenario(seed: number, opts: { nodes?: number; blocks?: number } = {}): SimConfig {
  const rng = new Prng(seed, 100);
  const nodes = opts.nodes ?? 4;
  const f = Math.floor((nodes - 1) / 3);
  const minLatencyMs = rng.int(1, 30);
  const maxLatencyMs = minLatencyMs + rng.int(5, 250);
  const dropRate = rng.chance(0.5) ? rng.int(1, 15) / 100 : 0;
  const partitions: Partition[] = rng.chance(0.5) ? [randomPartition(rng, nodes)] : [];
  const order = rng.shuffle(Array.from({ length: nodes }, (_, i) => i));
  const crashes: CrashSpec[] = [];
  if (rng.chance(0.4)) {
    const at = rng.int(0, 5_000);
    crashes.push({ node: order.pop() ?? 0, at, restartAt: at + rng.int(300, 6_000) });
  }
  const permanent = f > 0 && rng.chance(0.3) ? rng.int(1, f) : 0;
  for (let i = 0; i < permanent; i++) crashes.push({ node: order.pop() ?? 0, at: rng.int(0, 5_000) });
  const clockSkewMs = rng.int(0, 500);
  return baseScenario(seed, {
    nodes,
    blocks: opts.blocks ?? 30,
    network: { minLatencyMs, maxLatencyMs, dropRate, partitions },
    crashes,
    clockSkewMs,
  });
}

function randomPartition(rng: Prng, nodes: number): Partition {
  const shuffled = rng.shuffle(Array.from({ length: nodes }, (_, i) => i));
  const cut = rng.int(1, nodes - 1);
  const from = rng.int(0, 4_000);
  return { groups: [shuffled.slice(0, cut), shuffled.slice(cut)], from, until: from + rng.int(500, 8_000) };
}

/** One line describing a scenario's faults, printed next to a failing seed. */
export function describeScenario(cfg: SimConfig): string {
  const n = cfg.network;
  const parts = [
    `${cfg.nodes} nodes`,
    `latency ${n.minLatencyMs}-${n.maxLatencyMs} ms`,
    `drop ${n.dropRate}`,
  ];
  for (const p of n.partitions) parts.push(`partition ${JSON.stringify(p.groups)} ${p.from}-${p.until} ms`);
  for (const c of cfg.crashes) {
    parts.push(
      `crash ${c.node} at ${c.at} ms${c.restartAt === undefined ? ' for good' : `, restart ${c.restartAt} ms`}`,
    );
  }
  parts.push(`skew ±${cfg.clockSkewMs} ms`);
  return parts.join(', ');
}
