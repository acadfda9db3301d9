import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { verifyProof } from '../verify/index.js';

const USAGE = 'usage: waybill verify --genesis <genesis.json> <proof.json | ->\n';

/**
 * `waybill verify --genesis <genesis.json> <proof.json>`: checks a proof offline against the
 * genesis file alone: one line per check of the proof's kind, in the verifier's order (`ok` passed,
 * `--` not run after the failure). Exit 0 when it holds, 1 naming the first failed check, 2 for usage errors
 * (including files that cannot be read or are not JSON).
 */
export async function runVerify(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { genesis: { type: 'string' } },
    strict: true,
    allowPositionals: true,
  });
  const [proofPath, ...extra] = positionals;
  if (!values.genesis || proofPath === undefined || extra.length > 0) {
    process.stderr.write(USAGE);
    return 2;
  }
  const genesis = readJson(values.genesis);
  const proof = readJson(proofPath);
  if (!genesis.ok) return inputError(genesis.error);
  if (!proof.ok) return inputError(proof.error);
  const result = verifyProof(proof.value, genesis.value);
  for (const line of result.verified) process.stdout.write(`ok  ${line}\n`);
  // The checks after the first failure, named from the verifier's own list (services/verify CHECKS).
  for (const c of result.checks)
    if (c.status === 'not-run') process.stdout.write(`--  ${c.check}: not run\n`);
  if (result.failure) {
    process.stderr.write(`verify: FAILED ${result.failure.check}: ${result.failure.message}\n`);
    return 1;
  }
  process.stdout.write(`verify: OK, ${result.verified.length} checks passed\n`);
  return 0;
}

function inputError(message: string): number {
  process.stderr.write(`verify: ${message}\n`);
  return 2;
}

/** `-` reads standard input, so `curl … | waybill verify --genesis g.json -` works. */
function readJson(path: string): { ok: true; value: unknown } | { ok: false; error: string } {
  let text: string;
  try {
    text = readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (err) {
    return { ok: false, error: `cannot read ${path}: ${(err as Error).message}` };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, error: `${path} is not JSON` };
  }
}
