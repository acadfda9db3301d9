/**
 * The checks of each kind of proof, in the order the verifier runs them: the one definition the
 * CLI (`waybill verify`), the console and the docs list them by. A test holds the verifier to it
 * (every check of a valid proof passes, in this order).
 */

/** What every proof checks first: the trust anchor, the proof's shape, and its certified block. */
export const BLOCK_CHECKS = [
  'genesis',
  'format',
  'network',
  'block-hash',
  // The member changes since genesis that lead to the block's signers (docs/proofs.md, "Member changes").
  'member-chain',
  'certificate',
] as const;

/** A transaction's proof then connects it to the block, and checks its id and signature. */
const TX_CHECKS = [...BLOCK_CHECKS, 'inclusion', 'tx-id', 'tx-signature'] as const;

export const CHECKS = {
  event: [...TX_CHECKS, 'event'],
  verdict: [...TX_CHECKS, 'verdict'],
  // The entry is checked against its bucket before the bucket's path to the state root.
  state: [...BLOCK_CHECKS, 'state', 'inclusion'],
} as const;

export type ProofKindName = keyof typeof CHECKS;

/**
 * Check names; a failure names the first that failed. `disclosure` runs after `event` for a v2
 * event proof only (docs/privacy.md), so it is not in the event list every proof passes.
 */
export type CheckName = (typeof CHECKS)[ProofKindName][number] | 'disclosure';

/** The checks a proof of `kind` runs, in order; for a kind this verifier does not know, those every proof runs. */
export function checksOf(kind: unknown): readonly CheckName[] {
  return typeof kind === 'string' && Object.hasOwn(CHECKS, kind)
    ? CHECKS[kind as ProofKindName]
    : BLOCK_CHECKS;
}
