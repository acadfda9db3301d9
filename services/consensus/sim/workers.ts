import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { SimResult } from './config.js';
import type { SimCrypto } from './crypto.js';
import { type FaultMode, randomScenario } from './scenario.js';
import { runSimulation } from './simulator.js';

/**
 * Seeds run in worker threads, for runs of many seeds (`npm run sim -- --workers N`). Each seed's
 * simulation is a pure function of its seed and parameters, so where it runs changes nothing; the
 * results come back in seed order, as one thread would have produced them. Seeds go out in small
 * batches to whichever worker is free, because their cost varies (faults, view changes).
 */
export interface SeedParams {
  nodes: number;
  blocks: number;
  faults: FaultMode;
  crypto: SimCrypto;
  /** Validators join and leave during each run (scenario.ts, membershipScenario). */
  membership?: boolean;
}

/** Seeds per message: large enough that messaging costs nothing, small enough to balance the load. */
const BATCH = 8;

/** The simulation of one seed, as the CLI and every worker run it. */
export function runSeed(seed: number, p: SeedParams): SimResult {
  const { nodes, blocks, faults, membership } = p;
  return runSimulation({ ...randomScenario(seed, { nodes, blocks, faults, membership }), crypto: p.crypto });
}

/**
 * Runs `seeds` on `workers` threads. `onResult` sees each result in seed order, as soon as every
 * earlier seed's result is in, so a long run reports a failing seed while it goes on.
 */
export async function runSeedsInWorkers(
  seeds: readonly number[],
  params: SeedParams,
  workers: number,
  onResult: (result: SimResult) => void = () => {},
): Promise<SimResult[]> {
  const results = new Map<number, SimResult>();
  let next = 0;
  let reported = 0;
  const batch = () => {
    const out = seeds.slice(next, next + BATCH);
    next += out.length;
    return out;
  };
  const one = () =>
    new Promise<void>((resolve, reject) => {
      const worker = new Worker(new URL(import.meta.url), { workerData: params });
      worker.on('message', (done: SimResult[]) => {
        for (const r of done) results.set(r.seed, r);
        for (let r = results.get(seeds[reported] as number); r; r = results.get(seeds[reported] as number)) {
          reported++;
          onResult(r);
        }
        const more = batch();
        if (more.length) worker.postMessage(more);
        else void worker.terminate().then(() => resolve());
      });
      worker.on('error', reject);
      worker.on('exit', (code) => {
        if (code !== 0 && next < seeds.length) reject(new Error(`simulator worker exited with ${code}`));
      });
      const first = batch();
      if (first.length) worker.postMessage(first);
      else void worker.terminate().then(() => resolve());
    });
  await Promise.all(Array.from({ length: Math.min(workers, seeds.length) }, one));
  return seeds.map((s) => {
    const r = results.get(s);
    if (!r) throw new Error(`no result for seed ${s}`);
    return r;
  });
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  const params = workerData as SeedParams;
  port.on('message', (seeds: number[]) => port.postMessage(seeds.map((s) => runSeed(s, params))));
}
