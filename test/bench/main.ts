/**
 * `npm run bench`: benchmarks that print numbers. Nothing here asserts a timing; run it on an idle
 * machine and read the figures.
 *   npm run bench                      everything (about 15 minutes on 2 cores)
 *   npm run bench -- --quick           a smoke run: a few seconds per step, small ledgers
 *   npm run bench -- --only load,micro parts: load, micro, query, proofs, console, privacy, memory
 *   npm run bench -- --publish         also copy the result to docs/benchmarks/latest.{json,svg}
 *   npm run bench -- --only load --profile DIR   CPU profiles of every node (node --cpu-prof)
 *   npm run bench -- --only scale [--nodes 7,10] [--rates 1500,4000]   overload at larger sizes
 *   npm run bench -- --only query --events 10000000   the query part on a ledger of that many events
 * Results: a table on stdout, bench-results/<timestamp>.json and .svg.
 */
import '../../services/common/polyfill.js';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { consoleBenchmarks } from './console.js';
import { loadBenchmarks, scaleBenchmarks } from './load.js';
import { memoryBenchmarks } from './memory.js';
import { microBenchmarks } from './micro.js';
import { privacyBenchmarks } from './privacy.js';
import { proofBenchmarks } from './proofs.js';
import { queryBenchmarks } from './query.js';
import { type BenchResult, loadAverage, machine, machineSpeed, renderSvg, renderTable } from './report.js';

const PARTS = ['load', 'micro', 'query', 'proofs', 'console', 'privacy', 'memory', 'scale'];
/** Parts a plain `npm run bench` runs; `scale` repeats what `load` measures at n = 7 and 10, in more detail. */
const DEFAULT_PARTS = PARTS.filter((p) => p !== 'scale');

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    profile: { type: 'string' },
    publish: { type: 'boolean', default: false },
    nodes: { type: 'string', default: '7,10' },
    rates: { type: 'string', default: '1500,4000' },
    events: { type: 'string' },
  },
});
const quick = values.quick === true;
const parts = new Set((values.only ?? DEFAULT_PARTS.join(',')).split(','));

/** The query part's ledger size: --events, or 1,000,000 (50,000 with --quick). */
function queryEvents(): number {
  if (values.events === undefined) return quick ? 50_000 : 1_000_000;
  const n = Number(values.events);
  // Whole blocks of 1,000 events (query.ts PER_BLOCK), at least one.
  if (!Number.isInteger(n) || n < 1_000 || n % 1_000 !== 0) {
    throw new Error(
      `--events: a whole number of thousands of events, at least 1000 (got '${values.events}')`,
    );
  }
  return n;
}
for (const p of parts)
  if (!PARTS.includes(p)) throw new Error(`--only: unknown part '${p}' (${PARTS.join(', ')})`);

const began = Date.now();
const result: BenchResult = {
  startedAt: new Date(began).toISOString(),
  loadAverage: { start: loadAverage(), end: 0 },
  speed: { start: machineSpeed(), end: 0 },
  seconds: 0,
  command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
  machine: machine(),
};

if (parts.has('micro')) {
  console.log('micro:');
  result.micro = microBenchmarks(quick);
}
if (parts.has('proofs')) {
  console.log('proofs:');
  proofBenchmarks();
}
if (parts.has('console')) {
  console.log('console:');
  await consoleBenchmarks(quick ? 2 : 5);
}
if (parts.has('query')) {
  console.log('query:');
  result.query = await queryBenchmarks(queryEvents());
}
if (parts.has('privacy')) {
  console.log('privacy, open and sealed networks in the same run:');
  result.privacy = await privacyBenchmarks(quick);
}
if (parts.has('memory')) {
  console.log('memory, a sealed four-node network idle and under overload:');
  result.memory = await memoryBenchmarks(quick);
}
if (parts.has('load')) {
  result.load = await loadBenchmarks({
    rates: quick ? [500, 2000] : [250, 500, 1000, 2000, 3000, 4000, 6000, 8000],
    stepSeconds: quick ? 5 : 25,
    sustainSeconds: quick ? 5 : 60,
    // A minute: past saturation n = 10 commits a few blocks of several seconds each, and a 20 s
    // step's window held between none and six of them (0, 196 and 275 committed/s in three runs).
    scaleSeconds: quick ? 5 : 60,
    scale: quick ? [4] : [4, 7, 10],
    baseline: true,
    profileDir: values.profile,
  });
}
if (parts.has('scale')) {
  const list = (s: string | undefined) =>
    (s ?? '')
      .split(',')
      .map(Number)
      .filter((n) => n > 0);
  result.scale = await scaleBenchmarks(list(values.nodes), list(values.rates), quick ? 5 : 20);
}
result.seconds = Math.round((Date.now() - began) / 1000);
result.loadAverage.end = loadAverage();
if (result.speed) result.speed.end = machineSpeed();

console.log(`\n${renderTable(result)}\n`);
const dir = 'bench-results';
mkdirSync(dir, { recursive: true });
const stamp = result.startedAt.replace(/[:.]/g, '-');
const json = join(dir, `${stamp}.json`);
const svg = join(dir, `${stamp}.svg`);
writeFileSync(json, `${JSON.stringify(result, null, 2)}\n`);
writeFileSync(svg, renderSvg(result));
console.log(`results: ${json}, chart: ${svg}`);
if (values.publish) {
  mkdirSync('docs/benchmarks', { recursive: true });
  copyFileSync(json, 'docs/benchmarks/latest.json');
  copyFileSync(svg, 'docs/benchmarks/latest.svg');
  console.log('copied to docs/benchmarks/latest.json and latest.svg');
}
