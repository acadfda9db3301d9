import { runInNewContext } from 'node:vm';
import { rolldown } from 'rolldown';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENESIS_KEYS, type ProofLedger, proofLedger } from '../../support/proofs.js';

// The verifier must run where auditors are, browsers included: bundled for the browser platform it
// needs no Node builtin, and the bundle verifies a real proof in a context that has no Node globals.
// (rolldown comes with vitest's vite; it is what a web app would bundle the verifier with.)

interface Bundle {
  code: string;
  imports: string[];
  logs: string[];
}

async function bundleVerifier(): Promise<Bundle> {
  const logs: string[] = [];
  const build = await rolldown({
    input: 'services/verify/index.ts',
    platform: 'browser',
    resolve: { extensionAlias: { '.js': ['.ts', '.js'] } },
    onLog: (level, log) => logs.push(`${level} ${log.code ?? ''}: ${log.message}`),
  });
  // Minified, so comments mentioning Buffer or process are gone and only code is left to inspect.
  const { output } = await build.generate({ format: 'iife', name: 'waybillVerify', minify: true });
  await build.close();
  const [chunk, ...rest] = output;
  if (chunk?.type !== 'chunk' || rest.length > 0) throw new Error('expected exactly one chunk');
  return { code: chunk.code, imports: [...chunk.imports, ...chunk.dynamicImports], logs };
}

describe('the offline verifier in a browser bundle', () => {
  let bundle: Bundle;
  let ledger: ProofLedger;

  beforeAll(async () => {
    bundle = await bundleVerifier();
    ledger = proofLedger();
  }, 60_000);
  afterAll(() => ledger?.close());

  it('bundles with no Node builtin, no external import and no Node global', () => {
    expect(bundle.logs).toEqual([]);
    expect(bundle.imports).toEqual([]);
    expect(bundle.code).not.toMatch(/["'`]node:/);
    // Free references only: the SHA-2 classes have a method named `process`, Node's global is not used.
    expect(bundle.code).not.toMatch(/(?<![.\w$])(Buffer|__dirname|__filename)\b/);
    expect(bundle.code).not.toMatch(/(?<![.\w$])process\s*[.[]|\btypeof\s+process\b/);
    expect(bundle.code).not.toMatch(/(?<![.\w$])require\s*\(/);
  });

  it('verifies a real proof, and refuses a tampered one, with only browser globals', () => {
    const proof = ledger.proofs.event('urn:uuid:c1');
    const tampered = structuredClone(proof);
    tampered?.block.certificate.signatures.splice(1);
    const run = (p: unknown) =>
      runInNewContext(`${bundle.code}\nwaybillVerify.verifyProof(JSON.parse(proof), JSON.parse(genesis));`, {
        TextEncoder,
        proof: JSON.stringify(p),
        genesis: JSON.stringify(GENESIS_KEYS),
      }) as { ok: boolean; verified: string[]; failure?: { check: string } };
    const result = run(proof);
    expect(result.ok).toBe(true);
    expect(result.verified).toHaveLength(10);
    expect(run(tampered).failure?.check).toBe('certificate');
  });
});
