import type { Hash } from './hash.js';

// The state tree's hashing rules (docs/contracts.md, "State root"), defined once for the node
// (contracts/state-tree.ts passes node:crypto's SHA-256) and the offline verifier (@noble/hashes).
export const STATE_TREE_DEPTH = 16;
/** The prefix of an inner node's hash input. */
export const NODE = 0x01;
const BUCKET = 0x02;

/** The bucket of an entry: the first two bytes of its key hash, big-endian. */
export function bucketOf(keyHash: Uint8Array): number {
  return ((keyHash[0] ?? 0) << 8) | (keyHash[1] ?? 0);
}

/** sha256(0x02 ‖ keyHash₁ ‖ leafHash₁ ‖ …); entries must be in keyHash byte order. */
export function bucketHashWith(
  hash: Hash,
  entries: readonly { keyHash: Uint8Array; leafHash: Uint8Array }[],
): Uint8Array {
  const buf = new Uint8Array(1 + entries.length * 64);
  buf[0] = BUCKET;
  entries.forEach((e, i) => {
    buf.set(e.keyHash, 1 + i * 64);
    buf.set(e.leafHash, 33 + i * 64);
  });
  return hash(buf);
}

/** sha256(0x01 ‖ left ‖ right). */
export function nodeHashWith(hash: Hash, left: Uint8Array, right: Uint8Array): Uint8Array {
  const buf = new Uint8Array(65);
  buf[0] = NODE;
  buf.set(left, 1);
  buf.set(right, 33);
  return hash(buf);
}

/** The root reached from a bucket's hash and its 16 siblings, bottom up. */
export function rootFromBucketPathWith(
  hash: Hash,
  bucketHash: Uint8Array,
  bucket: number,
  path: readonly Uint8Array[],
): Uint8Array {
  let node = bucketHash;
  let index = (1 << STATE_TREE_DEPTH) + bucket;
  for (const sibling of path) {
    node = index % 2 === 0 ? nodeHashWith(hash, node, sibling) : nodeHashWith(hash, sibling, node);
    index >>= 1;
  }
  return node;
}

/** Byte order of two 32-byte key hashes (negative, zero, positive). */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}
