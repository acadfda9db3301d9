import { fromHex, type Hash, isHex, toHex } from './hash.js';

// The transaction tree's rules, defined once for the node (which passes node:crypto's SHA-256) and
// the offline verifier (which passes @noble/hashes'). RFC 6962-style: leaves and inner nodes get
// distinct prefixes so a leaf can never be passed off as an inner node; an odd node at the end of a
// level is promoted unchanged, so it has no sibling on that level.
const LEAF = 0;
const NODE = 1;

function prefixed(hash: Hash, prefix: number, ...parts: Uint8Array[]): Uint8Array {
  const total = parts.reduce((n, p) => n + p.length, 1);
  const buf = new Uint8Array(total);
  buf[0] = prefix;
  let at = 1;
  for (const p of parts) {
    buf.set(p, at);
    at += p.length;
  }
  return hash(buf);
}

/**
 * The tree's two hashes over nodes held in whatever form suits the caller: the verifier's byte
 * arrays (treeHashOf), or the node's binary strings, which spare an allocation per hash on its hot
 * paths (ledger/merkle.ts). The shape (pairs, promotion, paths) is defined once, below.
 */
export interface TreeHash<N, L = string> {
  /** sha256(0x00 ‖ leaf), the leaf given as hex (or as the caller's L). */
  leaf(leaf: L): N;
  /** sha256(0x01 ‖ left ‖ right). */
  node(left: N, right: N): N;
  hex(node: N): string;
}

/** The tree hashes over byte arrays with `hash`. */
export function treeHashOf(hash: Hash): TreeHash<Uint8Array> {
  return {
    leaf: (leafHex) => prefixed(hash, LEAF, fromHex(leafHex)),
    node: (left, right) => prefixed(hash, NODE, left, right),
    hex: toHex,
  };
}

/** The next level up: pairs hashed, an odd last node promoted. */
function parentLevel<N, L>(tree: TreeHash<N, L>, level: readonly N[]): N[] {
  const next: N[] = [];
  for (let i = 0; i < level.length; i += 2) {
    const left = level[i] as N;
    next.push(i + 1 < level.length ? tree.node(left, level[i + 1] as N) : left);
  }
  return next;
}

/** Merkle root over hex leaf values, in order; the empty tree's root is hash(""). */
export function merkleRootWith(hash: Hash, leavesHex: readonly string[]): string {
  if (leavesHex.length === 0) return toHex(hash(new Uint8Array(0)));
  return merkleRootOf(treeHashOf(hash), leavesHex);
}

/** Merkle root over one or more leaf values, in order. */
export function merkleRootOf<N, L>(tree: TreeHash<N, L>, leaves: readonly L[]): string {
  if (leaves.length === 0) throw new RangeError('a tree of no leaves has no nodes');
  let level = leaves.map((l) => tree.leaf(l));
  while (level.length > 1) level = parentLevel(tree, level);
  return tree.hex(level[0] as N);
}

/** The inclusion path of leaf `index`: its sibling on each level, bottom up, skipping promotions. */
export function merklePathWith(hash: Hash, leavesHex: readonly string[], index: number): string[] {
  return merklePathOf(treeHashOf(hash), leavesHex, index);
}

export function merklePathOf<N, L>(tree: TreeHash<N, L>, leaves: readonly L[], index: number): string[] {
  if (!Number.isInteger(index) || index < 0 || index >= leaves.length) {
    throw new RangeError(`leaf ${index} is not in a tree of ${leaves.length}`);
  }
  let level = leaves.map((l) => tree.leaf(l));
  const path: string[] = [];
  for (let i = index; level.length > 1; i >>= 1) {
    const sibling = level[i ^ 1];
    if (sibling !== undefined) path.push(tree.hex(sibling));
    level = parentLevel(tree, level);
  }
  return path;
}

/**
 * The root that leaf `index` of a `count`-leaf tree with this path leads to, or undefined when the
 * path has the wrong length for that position. The tree's shape follows from index and count alone.
 */
export function rootFromPathWith(
  hash: Hash,
  leafHex: string,
  index: number,
  count: number,
  pathHex: readonly string[],
): string | undefined {
  if (!Number.isInteger(index) || !Number.isInteger(count) || index < 0 || index >= count) return undefined;
  if (!isHex(leafHex)) return undefined;
  let node = prefixed(hash, LEAF, fromHex(leafHex));
  let used = 0;
  for (let i = index, n = count; n > 1; i >>= 1, n = (n + 1) >> 1) {
    const promoted = i % 2 === 0 && i + 1 === n;
    if (promoted) continue;
    const siblingHex = pathHex[used++];
    if (!isHex(siblingHex)) return undefined;
    const sibling = fromHex(siblingHex);
    node = i % 2 === 1 ? prefixed(hash, NODE, sibling, node) : prefixed(hash, NODE, node, sibling);
  }
  return used === pathHex.length ? toHex(node) : undefined;
}
