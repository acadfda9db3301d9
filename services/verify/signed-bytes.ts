import { Domain, signingBytes } from '../common/canonical.js';

// What members sign and how many must sign: shared by the node (ledger/block.ts re-exports these)
// and the offline verifier, so there is one definition of each.

/** The bytes an org's node key signs for a transaction: only its id, which hashes the body. */
export function txSigningBytes(id: string): Uint8Array {
  return signingBytes(Domain.Transaction, { id });
}

/** The bytes a member signs to precommit (or prevote) a block. */
export function voteBytes(
  type: 'prevote' | 'precommit',
  network: string,
  height: number,
  round: number,
  blockHash: string | null,
): Uint8Array {
  return signingBytes(Domain.Vote, { type, network, height, round, blockHash });
}

/**
 * The largest f tolerated by n members and the quorum: more than two thirds of n, which is 2f+1
 * when n = 3f+1 (and still intersects in an honest member for other n).
 */
export function quorumOf(n: number): { f: number; quorum: number } {
  return { f: Math.floor((n - 1) / 3), quorum: Math.floor((2 * n) / 3) + 1 };
}
