import { parseArgs } from 'node:util';
import type { SimCrypto } from './crypto.js';
import { describeScenario, type FaultMode, randomScenario } from './scenario.js';
import { runSimulation, type SimResult } from './simulator.js';

const USAGE = `usage: npm run sim -- --seeds N [--from S] [--blocks B] [--nodes n] [--crypto fake|ed25519]
                          [--faults mixed|crash|byzantine]
       npm run sim -- --seed S [--blocks B] [--nodes n] [--faults F]   replay one seed, printing its result
--faults: crash faults only, Byzantine members on every seed, or (default) on about half the seeds`;

const FAULTS: readonly FaultMode[] = ['mixed', 'crash', 'byzantine'];

interface Options {
  seeds: number[];
  blocks: number;
  nodes: number;
  crypto: SimCrypto;
  faults: FaultMode;
  verbose: boolean;
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
  return { seeds, blocks, nodes: int('nodes', values.nodes, 1), crypto, faults, verbose: single };
}

class UsageError extends Error {}

function main(argv: string[]): number {
  let opts: Options;
  try {
    opts = parse(argv);
  } catch (err) {
    if (!(err instanceof UsageError) && !(err instanceof TypeError)) throw err;
    console.error(err.message ? `${err.message}\n${USAGE}` : USAGE);
    return 2;
  }
  const started = performance.now();
  const results: SimResult[] = [];
  for (const seed of opts.seeds) {
    const { nodes, blocks, faults } = opts;
    const cfg = { ...randomScenario(seed, { nodes, blocks, faults }), crypto: opts.crypto };
    const result = runSimulation(cfg);
    results.push(result);
    if (opts.verbose) {
      const { hashes: _, ...shown } = result;
      console.log(JSON.stringify({ scenario: describeScenario(cfg), ...shown }, null, 2));
    }
    if (!result.ok) {
      console.log(`FAIL seed ${seed} (${describeScenario(cfg)})`);
      for (const v of result.violations) console.log(`  ${v}`);
      const crypto = opts.crypto === 'fake' ? '' : ` --crypto ${opts.crypto}`;
      const mode = opts.faults === 'mixed' ? '' : ` --faults ${opts.faults}`;
      console.log(
        `  replay: npm run sim -- --seed ${seed} --nodes ${opts.nodes} --blocks ${opts.blocks}${crypto}${mode}`,
      );
    }
  }
  console.log(summary(results, (performance.now() - started) / 1000));
  return results.every((r) => r.ok) ? 0 : 1;
}

function summary(results: SimResult[], seconds: number): string {
  const failed = results.filter((r) => !r.ok).length;
  const blocks = results.reduce((s, r) => s + Math.max(...r.heights), 0);
  const rounds = results.reduce((s, r) => s + r.roundChanges, 0);
  const virtual = results.reduce((s, r) => s + r.virtualMs, 0) / 1000;
  const byzantine = results.filter((r) => r.byzantine.some(Boolean)).length;
  const evidence = results.reduce((s, r) => s + r.evidence.reports, 0);
  return (
    `${results.length} seeds: ${results.length - failed} passed, ${failed} failed; ` +
    `${blocks} blocks, ${rounds} round changes, ${virtual.toFixed(0)} s simulated in ${seconds.toFixed(1)} s ` +
    `(${(blocks / seconds).toFixed(0)} blocks/s); ${byzantine} seeds with Byzantine members, ` +
    `${evidence} evidence reports`
  );
}

process.exitCode = main(process.argv.slice(2));
