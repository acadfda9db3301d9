import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../support/root.js';

// The simulator CLI as built (`npm run sim`): seeds spread over worker threads give the output one
// thread gives, timing aside.
const MAIN = join(packageRoot(), 'dist/services/consensus/sim/main.js');
const run = promisify(execFile);

async function sim(...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [
    MAIN,
    '--seeds',
    '12',
    '--from',
    '40',
    '--blocks',
    '6',
    ...args,
  ]);
  // "... simulated in 1.2 s (345 blocks/s)": the only part that depends on the machine.
  return stdout.replace(/simulated in [\d.]+ s \(\d+ blocks\/s\)/, 'simulated');
}

describe('npm run sim -- --workers', () => {
  it('reports the same seeds, in the same order, with the same tally on 3 threads as on one', async () => {
    const one = await sim();
    expect(one).toMatch(/^12 seeds: /m);
    expect(await sim('--workers', '3')).toBe(one);
  }, 120_000);

  it('refuses a worker count below 1', async () => {
    await expect(sim('--workers', '0')).rejects.toMatchObject({ code: 2 });
  });
});
