/**
 * The long fuzz run, on demand: `npm run fuzz -- --requests 100000 --seed N [--concurrency C]`.
 * Starts its own node (test/fuzz/target.ts), sends the generated requests, prints the figures and
 * every kind of failure with its replay command; exits 1 when anything failed.
 */
import '../../services/common/polyfill.js';
import { parseArgs } from 'node:util';
import { describeFailure, fuzz, summary } from './run.js';
import { startTarget } from './target.js';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '20000' },
    seed: { type: 'string' },
    from: { type: 'string', default: '0' },
    concurrency: { type: 'string', default: '8' },
  },
});
const int = (name: string, text: string): number => {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer`);
  return n;
};
const seed = values.seed === undefined ? (Math.random() * 2 ** 31) | 0 : int('seed', values.seed);
const target = await startTarget();
console.log(`fuzzing ${target.url} (pid ${target.pid}), seed ${seed}`);
try {
  const stats = await fuzz(target, {
    seed,
    requests: int('requests', values.requests),
    from: int('from', values.from),
    concurrency: Math.max(1, int('concurrency', values.concurrency)),
    progressEvery: 5000,
    onProgress: (done, s) =>
      console.log(`${done} requests, ${Object.values(s.counts).reduce((a, b) => a + b, 0)} failed so far`),
  });
  for (const f of stats.failures) console.log(describeFailure(f, seed));
  for (const u of stats.unhealthy) console.log(`unhealthy ${u}`);
  console.log(summary(stats));
  const failed = Object.values(stats.counts).some((n) => n > 0) || stats.unhealthy.length > 0;
  if (failed) console.log(`node log: ${target.logPath} (kept while WAYBILL_KEEP_TEST_DIRS is set)`);
  process.exitCode = failed ? 1 : 0;
} finally {
  await target.close();
}
