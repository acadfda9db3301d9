import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeFailure, fuzz, summary } from './run.js';
import { operations } from './spec.js';
import { startTarget, type Target } from './target.js';

// A short slice of the fuzz suite against a real node process (test/fuzz/README.md): a few thousand
// requests derived from api/openapi.yaml, valid and hostile. The seed is fixed, so a failure
// replays; WAYBILL_FUZZ_SEED and WAYBILL_FUZZ_REQUESTS try others (`npm run fuzz` runs long).

const SEED = Number(process.env.WAYBILL_FUZZ_SEED ?? 19);
const REQUESTS = Number(process.env.WAYBILL_FUZZ_REQUESTS ?? 3000);

describe('fuzzing the API of a real node', () => {
  let target: Target;
  beforeAll(async () => {
    target = await startTarget();
  }, 90_000);
  afterAll(async () => {
    await target?.close();
  });

  it(`answers ${REQUESTS} generated requests (seed ${SEED}) below 500, with problems for 4xx and declared shapes for 2xx, and stays healthy`, async () => {
    const stats = await fuzz(target, { seed: SEED, requests: REQUESTS });
    console.log(summary(stats));
    // Compared as text: a failure holds its request, whose body may be megabytes.
    const failures = stats.failures.map((f) => describeFailure(f, SEED));
    expect(stats.requests).toBe(REQUESTS);
    expect(failures, `fuzz seed ${SEED}:\n${summary(stats)}`).toEqual([]);
    expect(stats.unhealthy, `fuzz seed ${SEED}:\n${summary(stats)}`).toEqual([]);
    // Every operation of the document was exercised.
    expect(Object.keys(stats.byOperation).sort()).toEqual(
      operations()
        .map((o) => o.id)
        .sort(),
    );
  }, 240_000);
});
