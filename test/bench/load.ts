/**
 * The load benchmark on local networks of real node processes: offered loads stepping up to
 * saturation on four nodes, the same on one node (the client-server baseline), latency at half
 * the saturation load, a sustained run, and saturation throughput at n = 4, 7 and 10.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Cluster } from '../support/cluster.js';
import { LoadRunner, type StepResult } from './network.js';

const LEDGER_FILE = 'ledger.sqlite';

export interface LoadOptions {
  rates: number[];
  stepSeconds: number;
  sustainSeconds: number;
  scaleSeconds: number;
  /** Network sizes for the scale part; empty skips it. */
  scale: number[];
  baseline: boolean;
  /** Write a CPU profile of every node (node --cpu-prof) into this directory. */
  profileDir?: string;
  /** The network file's privacy; default sealed, what `waybill network init` makes (docs/privacy.md). */
  privacy?: 'open' | 'sealed';
}

export interface NetworkRun {
  nodes: number;
  steps: StepResult[];
  /** Highest committed events/s of any step. */
  saturation: number;
  half?: StepResult;
  sustained?: StepResult;
  /** Node data directory bytes (SQLite + WAL, indexes included) per committed event. */
  diskBytesPerEvent: number;
  rssMB: number[];
}

export interface LoadResults {
  four: NetworkRun;
  one?: NetworkRun;
  /** Four-node over one-node saturation throughput. */
  ratio?: number;
  scale: Array<{ nodes: number; offered: number; committed: number; p99: number; error?: string }>;
}

/** A step is saturated when the network commits clearly less than it is offered. */
export const saturated = (s: StepResult) => s.committed < 0.8 * s.offered || s.uncommitted > 0;

function dirBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? dirBytes(path) : statSync(path).size;
  }
  return total;
}

/** Runs `f` on a fresh started network; `settled` sees it again once its nodes have stopped. */
export async function withCluster<T>(
  size: number,
  opts: Pick<LoadOptions, 'profileDir' | 'privacy'>,
  f: (c: Cluster, r: LoadRunner) => Promise<T>,
  settled: (c: Cluster, result: T) => T = (_c, result) => result,
): Promise<T> {
  // WAYBILL_BENCH_LOG_LEVEL=debug keeps every node's consensus trace (a stalled run's, say).
  const env = { WAYBILL_LOG_LEVEL: process.env.WAYBILL_BENCH_LOG_LEVEL ?? 'warn' };
  // NODE_OPTIONS refuses --cpu-prof: a shell puts it between node and the script.
  const dir = opts.profileDir;
  const launcher = dir ? () => ['sh', '-c', `exec "$0" --cpu-prof --cpu-prof-dir=${dir} "$@"`] : undefined;
  const cluster = await Cluster.create(size, {}, { env, launcher, privacy: opts.privacy ?? 'sealed' });
  let runner: LoadRunner | undefined;
  try {
    // Processes starting at once on a crowded machine take a while to load: the wait is not measured.
    // Inside the try: a network that does not come up is stopped, not left running.
    await cluster.startAll(180_000);
    runner = new LoadRunner(cluster);
    const result = await f(cluster, runner);
    runner.close();
    // SIGTERM: a CPU profile is written on a graceful exit only, and the WAL is checkpointed.
    await Promise.all(cluster.nodes.map((n) => cluster.stop(n.org)));
    return settled(cluster, result);
  } finally {
    runner?.close();
    await cluster.destroy();
  }
}

export function log(s: StepResult, label = ''): void {
  console.log(
    `  n=${s.nodes} ${label}offered ${s.offered}/s: posted ${s.posted}/s, committed ${s.committed}/s ` +
      `(${s.accepted} accepted, ${s.rejected} rejected), p50 ${s.p50} ms, p95 ${s.p95} ms, p99 ${s.p99} ms; 202 in p50 ${s.ackP50} ms, p99 ${s.ackP99} ms; ` +
      `${s.blocks} blocks, ${s.roundChanges} view changes` +
      (s.blockWorkMs
        ? ` (per block on the first node: build ${s.blockWorkMs.build} ms, validate ${s.blockWorkMs.validate} ms, apply ${s.blockWorkMs.apply} ms)`
        : '') +
      `; CPU per committed event ${s.cpuUsPerEvent.join('/')} µs; ` +
      `RSS ${s.rssMB.join('/')} MB` +
      (s.refused + s.failed + s.uncommitted > 0
        ? `, refused ${s.refused} ${JSON.stringify(s.refusals)}, failed ${s.failed}, uncommitted ${s.uncommitted}`
        : ''),
  );
  if (s.stalled) console.log(`  stalled: ${s.stalled.map((n) => n.org).join(', ')} (statuses above)`);
}

/** Offered loads in turn until one saturates; then half the saturation load and a sustained run. */
async function stepUp(size: number, opts: LoadOptions, full: boolean): Promise<NetworkRun> {
  return withCluster(
    size,
    opts,
    async (_cluster, runner) => {
      const steps = await stepsToSaturation(runner, opts.rates, opts.stepSeconds);
      const saturation = Math.max(...steps.map((s) => s.committed));
      let half: StepResult | undefined;
      let sustained: StepResult | undefined;
      if (full) {
        half = await runner.step(Math.round(saturation / 2), opts.stepSeconds);
        log(half, 'half saturation: ');
        // Sustained at the highest offered load that did not saturate.
        const best = steps.filter((s) => !saturated(s)).at(-1)?.offered ?? Math.round(saturation * 0.9);
        sustained = await runner.step(best, opts.sustainSeconds);
        log(sustained, 'sustained: ');
      }
      const rssMB = sustained?.rssMB ?? steps.at(-1)?.rssMB ?? [];
      return { nodes: size, steps, saturation, half, sustained, diskBytesPerEvent: 0, rssMB };
    },
    (cluster, run) => ({ ...run, diskBytesPerEvent: diskPerEvent(cluster.nodes[0]?.dataDir) }),
  );
}

/** Each offered rate in turn for `seconds`, until a step saturates (that step included). */
export async function stepsToSaturation(
  runner: LoadRunner,
  rates: readonly number[],
  seconds: number,
  label = '',
): Promise<StepResult[]> {
  const steps: StepResult[] = [];
  for (const rate of rates) {
    const s = await runner.step(rate, seconds);
    log(s, label);
    steps.push(s);
    if (saturated(s)) break;
  }
  return steps;
}

/** Bytes of a stopped node's data directory per stored event. */
function diskPerEvent(dataDir: string | undefined): number {
  if (!dataDir) return 0;
  const db = new Database(join(dataDir, LEDGER_FILE), { readonly: true });
  try {
    const { n } = db.prepare('SELECT count(*) AS n FROM event_index').get() as { n: number };
    return n > 0 ? Math.round(dirBytes(dataDir) / n) : 0;
  } finally {
    db.close();
  }
}

export async function loadBenchmarks(opts: LoadOptions): Promise<LoadResults> {
  console.log(`load, four nodes (${opts.privacy ?? 'sealed'} network):`);
  const four = await stepUp(4, opts, true);
  let one: NetworkRun | undefined;
  if (opts.baseline) {
    console.log('load, one node (client-server baseline):');
    one = await stepUp(1, opts, false);
  }
  const scale: LoadResults['scale'] = [];
  for (const nodes of opts.scale) {
    if (nodes === 4) {
      const best = four.steps.reduce((a, b) => (b.committed > a.committed ? b : a));
      scale.push({ nodes, offered: best.offered, committed: best.committed, p99: best.p99 });
      continue;
    }
    console.log(`scale, ${nodes} nodes:`);
    // Offered above four-node saturation: the committed rate is this size's saturation.
    const offered = Math.round(four.saturation * 1.25);
    try {
      const s = await withCluster(nodes, opts, (_c, runner) => runner.step(offered, opts.scaleSeconds));
      log(s);
      scale.push({ nodes, offered, committed: s.committed, p99: s.p99 });
    } catch (err) {
      // A network that does not come up on a crowded machine is a result too, not the end of the run.
      console.log(`  n=${nodes}: ${(err as Error).message}`);
      scale.push({ nodes, offered, committed: 0, p99: 0, error: (err as Error).message });
    }
  }
  const ratio =
    one && one.saturation > 0 ? Math.round((four.saturation / one.saturation) * 100) / 100 : undefined;
  return { four, one, ratio, scale };
}

/**
 * Overload at larger sizes (`--only scale`): each network size, on a fresh network, offered each
 * rate in turn (below saturation, then past it), so "under overload it commits at least as much
 * as at saturation" and "view changes only on real faults" can be read off one run.
 */
export async function scaleBenchmarks(
  sizes: number[],
  rates: number[],
  seconds: number,
): Promise<Array<{ nodes: number; steps: StepResult[]; error?: string }>> {
  const out: Array<{ nodes: number; steps: StepResult[]; error?: string }> = [];
  for (const nodes of sizes) {
    console.log(`scale, ${nodes} nodes, offered ${rates.join(', ')} events/s:`);
    const opts: LoadOptions = {
      rates,
      stepSeconds: seconds,
      sustainSeconds: 0,
      scaleSeconds: 0,
      scale: [],
      baseline: false,
    };
    try {
      const steps = await withCluster(nodes, opts, async (_c, runner) => {
        const done: StepResult[] = [];
        for (const rate of rates) {
          const s = await runner.step(rate, seconds);
          log(s);
          done.push(s);
        }
        return done;
      });
      out.push({ nodes, steps });
    } catch (err) {
      console.log(`  n=${nodes}: ${(err as Error).message}`);
      out.push({ nodes, steps: [], error: (err as Error).message });
    }
  }
  return out;
}
