/**
 * `npm run bench`: benchmarks that print numbers. Nothing here asserts a timing; run it on an idle
 * machine and read the figures.
 */
import { parseArgs } from 'node:util';
import { loadBenchmarks } from './load.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    profile: { type: 'string' },
  },
});
const quick = values.quick === true;
const parts = new Set((values.only ?? 'load,micro,query').split(','));

if (parts.has('load')) {
  const r = await loadBenchmarks({
    rates: quick ? [500, 2000] : [500, 1000, 2000, 4000, 8000],
    stepSeconds: quick ? 5 : 25,
    sustainSeconds: quick ? 5 : 60,
    scaleSeconds: quick ? 5 : 20,
    scale: quick ? [4] : [4, 7, 10],
    baseline: true,
    profileDir: values.profile,
  });
  console.log(JSON.stringify(r, null, 1));
}
