import { type CheckName, checksOf } from './checks.js';
import { CheckFailed, fail, need, type ProofKind, type VerifyContext } from './context.js';
import { eventKind } from './event.js';
import { jcsHash } from './hash.js';
import { checkSigners, followMemberChain, type TrustedMembers, trusted } from './member-chain.js';
import { baseProblem, genesisProblem } from './shape.js';
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
    const disclosed = run(proof, genesis, pass);
    const checks = outcomes(kind, passed);
    return disclosed ? { ok: true, verified, checks, disclosed } : { ok: true, verified, checks };
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

function run(proof: unknown, genesis: unknown, pass: Pass): VerifyContext['disclosed'] {
  need('genesis', genesisProblem(genesis));
  const g = genesis as GenesisKeys;
  const origin = trusted(
    g.members.map((m) => ({ id: m.id, publicKey: m.publicKey, role: m.role ?? 'validator' })),
  );
  pass(
    'genesis',
    `network ${g.network}, ${origin.list.length} members (${origin.validators.size} validators), quorum ${origin.quorum}`,
  );

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

  const signers = followMemberChain(p.memberChanges, p.block, g.network, origin, pass);
  verifyCertificate(p.block, g.network, signers, pass);

  const ctx: VerifyContext = { network: g.network, members: signers.keys, block: p.block, pass };
  kind.verify(p, ctx);
  return ctx.disclosed;
}

/**
 * Stricter than the node's own count: a proof's certificate lists only valid signatures of distinct
 * validators (nodes serve them so), so any other entry means the proof was altered.
 */
function verifyCertificate(block: ProofBlock, network: string, members: TrustedMembers, pass: Pass): void {
  const counted = checkSigners(block, network, members, 'certificate');
  pass(
    'certificate',
    `${counted.length} of ${members.validators.size} members precommitted block ${block.header.height} in round ${block.certificate.round} (quorum ${members.quorum}): ${counted.join(', ')}`,
  );
}
