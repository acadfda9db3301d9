import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { EventProof } from '../../../services/verify/index.js';
import { BIN, waybill } from '../../support/cluster.js';
import { GENESIS_KEYS, proofLedger } from '../../support/proofs.js';

// `waybill verify` as an auditor runs it, from dist/ (`npm run build`), on files.

const dir = mkdtempSync(join(tmpdir(), 'waybill-verify-'));
const ledger = proofLedger();
afterAll(() => {
  ledger.close();
  rmSync(dir, { recursive: true, force: true });
});

function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return path;
}

// A genesis file carries more than the verifier reads; it must ignore the rest.
const genesis = file('genesis.json', { ...GENESIS_KEYS, timestamp: 1, consensus: { maxBlockTxs: 10 } });
const proof = ledger.proofs.event('urn:uuid:b1');

describe('waybill verify', () => {
  it('prints every check it passed and exits 0 for a valid proof', async () => {
    const out = await waybill('verify', '--genesis', genesis, file('proof.json', proof));
    const lines = out.trim().split('\n');
    expect(lines).toHaveLength(11);
    expect(lines[4]).toBe('ok  member-chain: no member changes since genesis');
    expect(lines[5]).toMatch(
      /^ok {2}certificate: 4 of 4 members precommitted block 1 in round 0 \(quorum 3\)/,
    );
    expect(lines[9]).toBe(
      "ok  event: urn:uuid:b1 is event 0 of the transaction's document, recordTime " +
        `${(proof as EventProof | undefined)?.event.recordTime} (the block's timestamp)`,
    );
    expect(lines[10]).toBe('verify: OK, 10 checks passed');
  });

  it('exits 1 naming the first failed check', async () => {
    const tampered = structuredClone(proof);
    tampered?.block.certificate.signatures.splice(2);
    await expect(waybill('verify', '--genesis', genesis, file('short.json', tampered))).rejects.toMatchObject(
      {
        code: 1,
        stdout: expect.stringMatching(
          /ok {2}member-chain: no member changes since genesis\n-- {2}inclusion: not run\n-- {2}tx-id: not run\n-- {2}tx-signature: not run\n-- {2}event: not run\n$/,
        ),
        stderr: 'verify: FAILED certificate: 2 valid member signatures, quorum is 3\n',
      },
    );
  });

  it('reads the proof from standard input with -', () => {
    const run = (input: string) =>
      spawnSync(process.execPath, [BIN, 'verify', '--genesis', genesis, '-'], { input, encoding: 'utf8' });
    expect(run(JSON.stringify(proof)).status).toBe(0);
    const other = run(JSON.stringify({ ...proof, network: 'elsewhere' }));
    expect(other.status).toBe(1);
    expect(other.stderr).toMatch(/^verify: FAILED network: /);
  });

  it('exits 2 for usage errors and unreadable input', async () => {
    const good = file('good.json', proof);
    for (const args of [
      [good],
      ['--genesis', genesis],
      ['--genesis', genesis, good, good],
      ['--genesis', genesis, '--proof', good],
      ['--genesis', join(dir, 'missing.json'), good],
      ['--genesis', genesis, file('broken.json', '{"format": ')],
    ]) {
      await expect(waybill('verify', ...args), args.join(' ')).rejects.toMatchObject({ code: 2 });
    }
  });
});
