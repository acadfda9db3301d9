import { sha256, toHex } from '../common/index.js';
import { merklePathWith, merkleRootWith } from '../verify/index.js';

// The tree's rules (RFC 6962-style prefixes, odd node promoted) are defined once, in
// verify/merkle.ts, shared with the offline verifier; the node hashes with node:crypto.

export const EMPTY_ROOT = toHex(sha256(new Uint8Array(0)));

/** Merkle root over hex leaf values (transaction ids), in order. */
export function merkleRoot(leavesHex: readonly string[]): string {
  return merkleRootWith(sha256, leavesHex);
}

/**
 * The inclusion path of leaf `index` (its sibling hashes, bottom up); rootFromPathWith in
 * services/verify checks it against the root.
 */
export function merkleProof(leavesHex: readonly string[], index: number): string[] {
  return merklePathWith(sha256, leavesHex, index);
}
