import { hash } from 'node:crypto';
import { fromHex, sha256, toHex } from '../common/index.js';
import { merklePathOf, merkleRootOf, type TreeHash } from '../verify/index.js';

// The tree's rules (RFC 6962-style prefixes, odd node promoted) are defined once, in
// verify/merkle.ts, shared with the offline verifier; the node hashes with node:crypto.

export const EMPTY_ROOT = toHex(sha256(new Uint8Array(0)));

// The node's tree nodes are 32-char binary (latin1) strings from one-shot crypto.hash, hashed
// out of two reused buffers: no typed array per hash (a 65-byte one is past V8's on-heap limit,
// so each would get its own off-heap store), and hex only at the ends. Synchronous, so shared.
/** Whether `s` is 64 lower-case hex digits (a loop: V8's regex for this costs more than the hash). */
function isHashHex(s: string): boolean {
  if (s.length !== 64) return false;
  for (let i = 0; i < 64; i++) {
    const c = s.charCodeAt(i);
    if ((c < 48 || c > 57) && (c < 97 || c > 102)) return false;
  }
  return true;
}
const leafInput = Buffer.alloc(33);
const nodeInput = Buffer.alloc(65);
nodeInput[0] = 1;

/** The tree hashes with node:crypto over binary strings. */
export const nodeTreeHash: TreeHash<string> = {
  leaf(leafHex) {
    if (!isHashHex(leafHex)) {
      // Not a 32-byte hash: the general rule, any length of lower-case hex (fromHex refuses the rest).
      return hash('sha256', Buffer.concat([Buffer.of(0), fromHex(leafHex)]), 'binary');
    }
    leafInput.write(leafHex, 1, 'hex');
    return hash('sha256', leafInput, 'binary');
  },
  node(left, right) {
    nodeInput.write(left, 1, 'latin1');
    nodeInput.write(right, 33, 'latin1');
    return hash('sha256', nodeInput, 'binary');
  },
  hex: (node) => Buffer.from(node, 'binary').toString('hex'),
};

/**
 * The same tree over leaves that are themselves 32-byte binary strings (the field tree's, which
 * are hashes the node has just computed): no hex on the way in either.
 */
export const binaryLeafTreeHash: TreeHash<string, string> = {
  leaf(leaf) {
    if (leaf.length !== 32) throw new TypeError('a binary leaf is 32 bytes');
    leafInput.write(leaf, 1, 'latin1');
    return hash('sha256', leafInput, 'binary');
  },
  node: nodeTreeHash.node,
  hex: nodeTreeHash.hex,
};

/** Merkle root over hex leaf values (transaction ids), in order. */
export function merkleRoot(leavesHex: readonly string[]): string {
  return leavesHex.length === 0 ? EMPTY_ROOT : merkleRootOf(nodeTreeHash, leavesHex);
}

/**
 * The inclusion path of leaf `index` (its sibling hashes, bottom up); rootFromPathWith in
 * services/verify checks it against the root.
 */
export function merkleProof(leavesHex: readonly string[], index: number): string[] {
  return merklePathOf(nodeTreeHash, leavesHex, index);
}
