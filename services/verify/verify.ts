import { certificateSigners } from './certificate.js';
import { type CheckName, checksOf } from './checks.js';
import { CheckFailed, fail, need, type ProofKind, type VerifyContext } from './context.js';
import { eventKind } from './event.js';
import { ed25519Verify, fromHex, jcsHash } from './hash.js';
import { baseProblem, genesisProblem } from './shape.js';
import { quorumOf } from './signed-bytes.js';
import { stateKind } from './state.js';
import {
  type CheckOutcome,
  type GenesisKeys,
  PROOF_FORMAT,
  type ProofBase,
  type ProofBlock,
  type VerifyResult,
} from './types.js';
import { verdictKind } from './verdict.js';

/** Kinds this verifier checks (docs/proofs.md). */
const KINDS: Record<string, ProofKind> = { event: eventKind, verdict: verdictKind, state: stateKind };

/**
 * Checks a proof offline against the genesis file alone: member signatures, quorum, hash links,
 * Merkle path and the claim's bytes. Never throws for bad input: a failure names the first check
 * that failed, after the lines of those that passed.
 */
export function verifyProof(proof: unknown, genesis: unknown): VerifyResult {
  const passed = new Map<CheckName, string>();
  const verified: string[] = [];
  const pass: Pass = (check, detail) => {
    passed.set(check, detail);
    verified.push(`${check}: ${detail}`);
  };
  const kind = (proof as { kind?: unknown } | null)?.kind;
  try {
    run(proof, genesis, pass);
    return { ok: true, verified, checks: outcomes(kind, passed) };
  } catch (err) {
    if (!(err instanceof CheckFailed)) throw err;
    const failure = { check: err.check, message: err.message };
    return { ok: false, verified, failure, checks: outcomes(kind, passed, failure) };
  }
}

type Pass = (check: CheckName, detail: string) => void;

/**
 * Every check of the kind in its listed order. A check may fail after it passed once (a
 * transaction's network is checked again after the block's), so a failure wins.
 */
function outcomes(
  kind: unknown,
  passed: ReadonlyMap<CheckName, string>,
  failure?: { check: CheckName; message: string },
): CheckOutcome[] {
  return checksOf(kind).map((check): CheckOutcome => {
    if (failure?.check === check) return { check, status: 'failed', detail: failure.message };
    const detail = passed.get(check);
    return detail === undefined ? { check, status: 'not-run' } : { check, status: 'passed', detail };
  });
}

function run(proof: unknown, genesis: unknown, pass: Pass): void {
  need('genesis', genesisProblem(genesis));
  const g = genesis as GenesisKeys;
  const members = new Map(g.members.map((m) => [m.id, fromHex(m.publicKey)]));
  const { quorum } = quorumOf(members.size);
  pass('genesis', `network ${g.network}, ${members.size} members, quorum ${quorum}`);

  need('format', baseProblem(proof));
  const p = proof as ProofBase & Record<string, unknown>;
  const kind = Object.hasOwn(KINDS, p.kind) ? KINDS[p.kind] : undefined;
  if (!kind)
    fail('format', `unknown proof kind "${p.kind}"; this verifier checks: ${Object.keys(KINDS).join(', ')}`);
  need('format', kind.shapeProblem(p));
  pass('format', `${PROOF_FORMAT}, kind ${p.kind}`);

  const { hash, header } = p.block;
  if (p.network !== g.network)
    fail('network', `the proof is for network ${p.network}, genesis is ${g.network}`);
  if (header.network !== g.network) fail('network', `block header is for network ${header.network}`);
  pass('network', g.network);

  if (jcsHash(header) !== hash)
    fail('block-hash', `block ${header.height}: sha256(JCS(header)) is not ${hash}`);
  pass('block-hash', `block ${header.height} header hashes to ${hash}`);

  verifyCertificate(p.block, g.network, members, pass);

  const ctx: VerifyContext = { network: g.network, members, block: p.block, pass };
  kind.verify(p, ctx);
}

/**
 * Stricter than the node's own count: a proof's certificate lists only valid signatures of distinct
 * members (nodes serve them so), so any other entry means the proof was altered.
 */
function verifyCertificate(
  { hash, header, certificate }: ProofBlock,
  network: string,
  members: ReadonlyMap<string, Uint8Array>,
  pass: Pass,
): void {
  const { quorum } = quorumOf(members.size);
  if (certificate.height !== header.height || certificate.blockHash !== hash) {
    fail(
      'certificate',
      `the certificate is for block ${certificate.height} ${certificate.blockHash}, not this block`,
    );
  }
  const { counted, ignored } = certificateSigners(certificate, network, members, ed25519Verify);
  const bad = ignored[0];
  if (bad) fail('certificate', `signature ${bad.index} (member ${bad.member}): ${bad.reason}`);
  if (counted.length < quorum) {
    fail('certificate', `${counted.length} valid member signatures, quorum is ${quorum}`);
  }
  const signers = counted.map((c) => c.member).join(', ');
  pass(
    'certificate',
    `${counted.length} of ${members.size} members precommitted block ${header.height} in round ${certificate.round} (quorum ${quorum}): ${signers}`,
  );
}
