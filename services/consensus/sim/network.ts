import type { Prng } from './prng.js';

/** Nodes in different groups cannot reach each other from `from` until `until` (ms of sim time). */
export interface Partition {
  groups: number[][];
  from: number;
  until: number;
}

export interface NetworkOptions {
  /** Each message gets its own latency, uniform in [min, max]: this is what reorders messages. */
  minLatencyMs: number;
  maxLatencyMs: number;
  /** Probability that any one message is lost. */
  dropRate: number;
  partitions: Partition[];
}

/**
 * The simulated network between nodes: decides for each message whether it arrives and when.
 * All randomness comes from the run's seeded generator, so a run replays exactly.
 */
export class NetworkModel {
  constructor(
    private readonly opts: NetworkOptions,
    private readonly rng: Prng,
  ) {}

  /** Latency of one message sent at `t`, or undefined when it is lost. */
  route(from: number, to: number, t: number): number | undefined {
    if (this.cut(from, to, t)) return undefined;
    if (this.rng.chance(this.opts.dropRate)) return undefined;
    return this.rng.int(this.opts.minLatencyMs, this.opts.maxLatencyMs);
  }

  /** True while an active partition separates the two nodes. */
  cut(from: number, to: number, t: number): boolean {
    return this.opts.partitions.some(
      (p) => t >= p.from && t < p.until && groupOf(p, from) !== groupOf(p, to),
    );
  }
}

/** A node listed in no group is alone in its own group. */
function groupOf(p: Partition, node: number): number {
  const i = p.groups.findIndex((g) => g.includes(node));
  return i >= 0 ? i : -1 - node;
}
