import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, Cluster, FAST_CONSENSUS } from '../support/cluster.js';

const run = promisify(execFile);

// The demo is the end-to-end test the README promises: `npm run demo` against a running network
// tells the whole story and exits non-zero on any mismatch.
describe('npm run demo', () => {
  let cluster: Cluster;
  const out = mkdtempSync(join(tmpdir(), 'waybill-demo-'));
  beforeAll(async () => {
    cluster = await Cluster.create(4, FAST_CONSENSUS, { privacy: 'sealed' });
    await cluster.startAll(240_000);
  }, 300_000);
  afterAll(async () => {
    await cluster?.destroy();
    rmSync(out, { recursive: true, force: true });
  });

  it('tells the story against a four-organisation network, every expectation holding, twice', async () => {
    for (const _ of [1, 2]) {
      const { stdout } = await run(
        process.execPath,
        [BIN, 'demo', '--network', join(cluster.dir, 'net'), '--out', out],
        { timeout: 120_000 },
      ).catch((e: Error & { stdout?: string; stderr?: string }) => {
        // A failing story says which scene broke: keep what it printed in the failure.
        throw new Error(`${e.message}\n--- stdout\n${e.stdout ?? ''}\n--- stderr\n${e.stderr ?? ''}`);
      });
      expect(stdout).not.toContain('✗');
      expect(stdout).toContain('rejected with CUSTODY_NOT_HELD');
      expect(stdout).toContain('flagged temperature_excursion');
      expect(stdout).toContain('contains recalled goods');
      expect(stdout).toMatch(/all \d+ events of the chain carry proofs that verify offline/);
      // The privacy scenes on a sealed network: a competitor's 404, the retailer's public view of
      // the grower's commissioning, an auditor's offline check of one disclosed field.
      expect(stdout).toContain('404, the same answer as for an id that never existed');
      expect(stdout).toContain('the lot number and harvest date are marked sealed');
      expect(stdout).toContain('ilmd/cbvmda:lotNumber = "LOT-A"');
      expect(stdout).toContain('fails the check named disclosure');
      expect(stdout).toMatch(/The story checks out/);
    }
    const csvs = readdirSync(out).filter((f) => f.endsWith('.csv'));
    expect(csvs).toHaveLength(2);
    const csv = readFileSync(join(out, csvs[0] as string), 'utf8');
    expect(csv.split('\n')[0]).toContain('Traceability Lot Code');
  }, 300_000);
});
