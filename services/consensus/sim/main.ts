import { parseArgs } from 'node:util';
import type { SimCrypto } from './crypto.js';
import { describeScenario, type FaultMode, randomScenario } from './scenario.js';
import type { SimResult } from './simulator.js';
import { runSeed, runSeedsInWorkers } from './workers.js';

const USAGE = `usage: npm run sim -- --seeds N [--from S] [--blocks B] [--nodes n] [--crypto fake|ed25519]
                          [--faults mixed|crash|byzantine] [--membership] [--workers W]
       npm run sim -- --seed S [--blocks B] [--nodes n] [--faults F]   replay one seed, printing its result
--faults: crash faults only, Byzantine members on every seed, or (default) on about half the seeds
--membership: validators join and leave by governance on every seed (n = genesis validators),
              with a removed Byzantine validator that signs on after its removal on most Byzantine seeds
--workers: threads running seeds at once (default 1); the results are the same, in seed order`;

const FAULTS: readonly FaultMode[] = ['mixed', 'crash', 'byzantine'];

interface Options {
  seeds: number[];
  blocks: number;
  nodes: number;
  crypto: SimCrypto;
  faults: FaultMode;
  membership: boolean;
  verbose: boolean;
  workers: number;
}

function parse(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      seeds: { type: 'string' },
      from: { type: 'string', default: '1' },
      seed: { type: 'string' },
      blocks: { type: 'string', default: '30' },
      nodes: { type: 'string', default: '4' },
      crypto: { type: 'string', default: 'fake' },
      faults: { type: 'string', default: 'mixed' },
      workers: { type: 'string', default: '1' },
      membership: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help || (values.seeds === undefined && values.seed === undefined)) throw new UsageError();
  const int = (name: string, text: string, min: number): number => {
    const n = Number(text);
    if (!Number.isSafeInteger(n) || n < min) throw new UsageError(`--${name} must be an integer >= ${min}`);
    return n;
  };
  const { crypto } = values;
  if (crypto !== 'fake' && crypto !== 'ed25519') throw new UsageError('--crypto is fake or ed25519');
  const faults = FAULTS.find((mode) => mode === values.faults);
  if (!faults) throw new UsageError('--faults is mixed, crash or byzantine');
  const single = values.seed !== undefined;
  const from = int('from', values.from, 0);
  const seeds = single
    ? [int('seed', values.seed ?? '', 0)]
    : Array.from({ length: int('seeds', values.seeds ?? '', 1) }, (_, i) => from + i);
  const blocks = int('blocks', values.blocks, 1);
  const workers = int('workers', values.workers, 1);
  const nodes = int('nodes', values.nodes, 1);
  const { membership } = values;
  if (membership && nodes < 4) throw new UsageError('--membership needs --nodes 4 or more');
  return { seeds, blocks, nodes, crypto, faults, membership, verbose: single, workers };
}

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  let opts: Options;
  try {
    opts = parse(argv);
  } catch (err) {
    if (!(err instanceof UsageError) && !(err instanceof TypeError)) throw err;
    console.error(err.message ? `${err.message}\n${USAGE}` : USAGE);
    return 2;
  }
  const started = performance.now();
  const { nodes, blocks, faults, membership } = opts;
  const params = { nodes, blocks, faults, membership, crypto: opts.crypto };
  // A running tally, not every result: 200,000 results with their chains would not fit in memory.
  const tally = newTally();
  const report = (result: SimResult) => {
    count(tally, result);
    const { seed } = result;
    const cfg = { ...randomScenario(seed, { nodes, blocks, faults, membership }), crypto: opts.crypto };
    if (opts.verbose) {
      const { hashes: _, ...shown } = result;
      console.log(JSON.stringify({ scenario: describeScenario(cfg), ...shown }, null, 2));
    }
    if (!result.ok) {
      console.log(`FAIL seed ${seed} (${describeScenario(cfg)})`);
      for (const v of result.violations) console.log(`  ${v}`);
      const crypto = opts.crypto === 'fake' ? '' : ` --crypto ${opts.crypto}`;
      const mode = `${opts.faults === 'mixed' ? '' : ` --faults ${opts.faults}`}${membership ? ' --membership' : ''}`;
      console.log(
        `  replay: npm run sim -- --seed ${seed} --nodes ${opts.nodes} --blocks ${opts.blocks}${crypto}${mode}`,
      );
    }
  };
  if (opts.workers > 1) await runSeedsInWorkers(opts.seeds, params, opts.workers, report);
  else for (const seed of opts.seeds) report(runSeed(seed, params));
  console.log(summary(tally, (performance.now() - started) / 1000));
  return tally.failed === 0 ? 0 : 1;
}

interface Tally {
  seeds: number;
  failed: number;
  blocks: number;
  rounds: number;
  virtualMs: number;
  byzantine: number;
  evidence: number;
  setChanges: number;
}

const newTally = (): Tally => ({
  seeds: 0,
  failed: 0,
  blocks: 0,
  rounds: 0,
  virtualMs: 0,
  byzantine: 0,
  evidence: 0,
  setChanges: 0,
});

function count(t: Tally, r: SimResult): void {
  t.seeds++;
  if (!r.ok) t.failed++;
  t.blocks += Math.max(...r.heights);
  t.rounds += r.roundChanges;
  t.virtualMs += r.virtualMs;
  if (r.byzantine.some(Boolean)) t.byzantine++;
  t.evidence += r.evidence.reports;
  t.setChanges += r.setChanges;
}

function summary(t: Tally, seconds: number): string {
  const { failed, blocks, rounds, byzantine, evidence } = t;
  const virtual = t.virtualMs / 1000;
  return (
    `${t.seeds} seeds: ${t.seeds - failed} passed, ${failed} failed; ` +
    `${blocks} blocks, ${rounds} round changes, ${virtual.toFixed(0)} s simulated in ${seconds.toFixed(1)} s ` +
    `(${(blocks / seconds).toFixed(0)} blocks/s); ${byzantine} seeds with Byzantine members, ` +
    `${evidence} evidence reports` +
    (t.setChanges > 0 ? `; ${t.setChanges} validator-set changes` : '')
  );
}

process.exitCode = await main(process.argv.slice(2));
