import { fromHex, sha256, toHex } from '../common/encoding.js';

// RFC 6962-style tree: leaves and inner nodes get distinct prefixes so a leaf can never be passed
// off as an inner node. An odd node at the end of a level is promoted unchanged.
const LEAF = Uint8Array.of(0);
const NODE = Uint8Array.of(1);

function hashConcat(prefix: Uint8Array, ...parts: Uint8Array[]): Uint8Array {
  const total = parts.reduce((n, p) => n + p.length, prefix.length);
  const buf = new Uint8Array(total);
  buf.set(prefix, 0);
  let at = prefix.length;
  for (const p of parts) {
    buf.set(p, at);
    at += p.length;
  }
  return sha256(buf);
}

export const EMPTY_ROOT = toHex(sha256(new Uint8Array(0)));

/** Merkle root over hex leaf values (transaction ids), in order. */
export function merkleRoot(leavesHex: readonly string[]): string {
  if (leavesHex.length === 0) return EMPTY_ROOT;
  let level = leavesHex.map((l) => hashConcat(LEAF, fromHex(l)));
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const left = level[i] as Uint8Array;
      const right = level[i + 1];
      next.push(right ? hashConcat(NODE, left, right) : left);
    }
    level = next;
  }
  return toHex(level[0] as Uint8Array);
}
