import type { ConsensusTimeouts } from '../types.js';
import {
  type ByzantineSpec,
  type CrashSpec,
  lastFaultEnd,
  type MemberChangeSpec,
  type SimConfig,
} from './config.js';
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
 * Which faults `randomScenario` draws: crash faults only (the default, so existing seeds replay as
 * before), Byzantine members on every seed, or on about half of the seeds, chosen by the seed.
 */
export type FaultMode = 'crash' | 'byzantine' | 'mixed';

export interface ScenarioOptions {
  /** Validators at genesis. */
  nodes?: number;
  blocks?: number;
  faults?: FaultMode;
  /** Validators join and leave by governance during the run (membershipScenario). */
  membership?: boolean;
}

/**
 * Random faults for one seed, within what BFT tolerates: latency and its spread (reordering),
 * message loss, a partition that heals, a node that crashes and restarts, and at most f nodes
 * that crash for good. With Byzantine faults, some of those f are Byzantine members instead
 * (see `withByzantine`). Everything follows from the seed, so a failing seed replays exactly.
 */
export function randomScenario(seed: number, opts: ScenarioOptions = {}): SimConfig {
  if (opts.membership) return membershipScenario(seed, opts);
  const base = crashScenario(seed, opts);
  const faults = opts.faults ?? 'crash';
  const rng = new Prng(seed, 101); // a stream of its own: the crash faults above stay as they were
  const f = Math.floor((base.nodes - 1) / 3);
  const byzantine = faults === 'byzantine' || (faults === 'mixed' && rng.chance(0.5));
  return byzantine && f > 0 ? withByzantine(base, rng) : base;
}

function crashScenario(seed: number, opts: ScenarioOptions): SimConfig {
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

type Behaviour = 'twin' | 'equivocate' | 'doubleVote' | 'censor' | 'badSignatures' | 'flood';
const BEHAVIOURS: readonly Behaviour[] = [
  'twin',
  'equivocate',
  'doubleVote',
  'censor',
  'badSignatures',
  'flood',
];

/**
 * Turns up to f members of a crash-fault scenario Byzantine, within the same budget: Byzantine
 * members plus honest members that crash for good never exceed f. Each Byzantine member gets one
 * main behaviour (a twin runs nothing else: it is the Twins approach, honest code with a shared
 * key) and maybe more. Twins are placed in the partition group opposite their member, and twin
 * runs get up to three more partitions in a row, so each side sees a different instance. Honest
 * nodes run the censorship policy; an outsider (non-member) may join.
 */
export function withByzantine(base: SimConfig, rng: Prng): SimConfig {
  const n = base.nodes;
  const f = Math.floor((n - 1) / 3);
  const k = rng.int(1, f);
  const chosen = rng.shuffle(Array.from({ length: n }, (_, i) => i)).slice(0, k);
  const honest = Array.from({ length: n }, (_, i) => i).filter((i) => !chosen.includes(i));
  const byzantine = chosen.map((member): ByzantineSpec => {
    const main = rng.pick(BEHAVIOURS);
    const spec: ByzantineSpec = { member };
    const add = (b: Behaviour): void => {
      if (b === 'twin') spec.twin = true;
      else if (b === 'censor') spec.censorOrg = `org-${rng.pick(honest)}`;
      else spec[b] = true;
    };
    add(main);
    if (main !== 'twin')
      for (const b of BEHAVIOURS) if (b !== 'twin' && b !== main && rng.chance(0.25)) add(b);
    return spec;
  });
  // Honest members that crash for good, within what the Byzantine ones leave of f.
  let budget = f - k;
  const crashes = base.crashes.filter(
    (c) =>
      c.restartAt !== undefined || (typeof c.node === 'number' && chosen.includes(c.node)) || budget-- > 0,
  );
  const twins = byzantine.filter((b) => b.twin).map((b, i) => ({ member: b.member, process: n + i }));
  const placeTwins = (p: Partition): Partition => ({
    ...p,
    groups: p.groups.map((g, gi) => {
      const other = p.groups.length > 1 ? p.groups[(gi + 1) % p.groups.length] : undefined;
      return [...g, ...twins.filter((t) => other?.includes(t.member)).map((t) => t.process)];
    }),
  });
  const partitions = base.network.partitions.map(placeTwins);
  if (twins.length > 0 && rng.chance(0.7)) {
    let from = rng.int(0, 3_000);
    for (let i = rng.int(1, 3); i > 0; i--) {
      const until = from + rng.int(300, 3_000);
      partitions.push(placeTwins({ ...randomPartition(rng, n), from, until }));
      from = until;
    }
  }
  const cfg: SimConfig = {
    ...base,
    byzantine,
    outsiders: rng.chance(0.3) ? 1 : 0,
    censorshipTimeoutMs: rng.int(1_000, 4_000),
    txRegossipMs: 1_000,
    crashes,
    network: { ...base.network, partitions },
  };
  return { ...cfg, maxTimeMs: defaultDeadline(cfg) };
}

/**
 * A run whose validator set changes (issue 15): one or two members join as validators and one or
 * two genesis validators are removed, in a random order that never goes below the genesis count,
 * at random times, under the same random faults (crashes, loss, partitions, skew, Byzantine
 * members) drawn over every process. The fault budget is f of the genesis set, which no change
 * goes below. With Byzantine faults, on most seeds a removed validator is Byzantine and keeps
 * signing after its removal: its node's adversary, and a ghost process with its key and name
 * sending proposals, votes (nil, its own block, a phantom block) and bogus decisions at every height.
 */
export function membershipScenario(seed: number, opts: ScenarioOptions): SimConfig {
  const rng = new Prng(seed, 102); // a stream of its own
  const validators = opts.nodes ?? 4;
  const joiners = rng.int(1, 2);
  const total = validators + joiners;
  const f = Math.floor((validators - 1) / 3);
  const base = crashScenario(seed, { ...opts, nodes: total });
  const changes = randomChanges(rng, validators, joiners);
  const removed = changes.filter((c) => c.action === 'remove').map((c) => c.member);
  const faults = opts.faults ?? 'crash';
  const byzantine = f > 0 && (faults === 'byzantine' || (faults === 'mixed' && rng.chance(0.5)));
  let cfg: SimConfig = { ...base, validators, memberChanges: changes };
  if (byzantine && rng.chance(0.7)) {
    // The Byzantine old validator: it signs on after its removal. It is the budget's one fault
    // (f faults in all), so other faults are restarts or stay within what it leaves.
    const member = removed[0] as number;
    const spec: ByzantineSpec = { member };
    const behaviour = rng.pick(['none', 'equivocate', 'doubleVote', 'badSignatures', 'flood'] as const);
    if (behaviour !== 'none') spec[behaviour] = true;
    cfg = {
      ...cfg,
      byzantine: [spec],
      ghosts: [member],
      crashes: withinBudget(cfg.crashes, f - 1, [member]),
      censorshipTimeoutMs: rng.int(1_000, 4_000),
      txRegossipMs: 1_000,
    };
  } else if (byzantine && Math.floor((total - 1) / 3) === f) {
    cfg = { ...withByzantine(cfg, rng), validators, memberChanges: changes };
  } else {
    cfg = { ...cfg, crashes: withinBudget(cfg.crashes, f, []) };
  }
  return { ...cfg, maxTimeMs: defaultDeadline(cfg) };
}

/** Crashes that restart, crashes of `faulty` members, and at most `budget` other crashes for good. */
function withinBudget(crashes: CrashSpec[], budget: number, faulty: number[]): CrashSpec[] {
  let left = budget;
  return crashes.filter(
    (c) => c.restartAt !== undefined || (typeof c.node === 'number' && faulty.includes(c.node)) || left-- > 0,
  );
}

/**
 * The joiners' additions and as many removals of genesis validators, in an order whose every
 * prefix adds at least as many as it removes, at increasing times in the first ten seconds.
 */
function randomChanges(rng: Prng, validators: number, joiners: number): MemberChangeSpec[] {
  const adds = Array.from({ length: joiners }, (_, i) => validators + i);
  const removes = rng.shuffle(Array.from({ length: validators }, (_, i) => i)).slice(0, rng.int(1, joiners));
  const out: MemberChangeSpec[] = [];
  let at = rng.int(0, 3_000);
  let added = 0;
  let removedCount = 0;
  while (added < adds.length || removedCount < removes.length) {
    const add =
      added < adds.length && (removedCount >= removes.length || added === removedCount || rng.chance(0.5));
    const member = add ? (adds[added++] as number) : (removes[removedCount++] as number);
    out.push({ action: add ? 'add' : 'remove', member, at });
    at += rng.int(200, 3_000);
  }
  return out;
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
  if (cfg.validators !== undefined) parts.push(`${cfg.validators} genesis validators`);
  for (const c of cfg.memberChanges ?? []) parts.push(`${c.action} org-${c.member} at ${c.at} ms`);
  for (const g of cfg.ghosts ?? []) parts.push(`org-${g} signs on after removal`);
  for (const b of cfg.byzantine ?? []) {
    const { member, ...behaviour } = b;
    const what = Object.entries(behaviour).map(([k, v]) => (v === true ? k : `${k} ${v}`));
    parts.push(`byzantine org-${member}: ${what.join(' ')}`);
  }
  if (cfg.outsiders) parts.push(`${cfg.outsiders} outsider(s)`);
  if (cfg.censorshipTimeoutMs !== undefined) parts.push(`censorship timeout ${cfg.censorshipTimeoutMs} ms`);
  return parts.join(', ');
}
