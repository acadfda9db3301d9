import { canonicalBytes, sha256, toHex } from '../common/encoding.js';
import {
  bucketHashWith,
  bucketOf,
  compareBytes,
  nodeHashWith,
  STATE_TREE_DEPTH,
} from '../verify/state-tree.js';
import type { Alert, BalanceKey, ObjectState } from './types.js';

/**
 * The authenticated custody state: a fixed-depth binary Merkle tree over 2^16 buckets, each bucket
 * holding the state entries whose key hashes start with its 16 bits. Written here rather than taken
 * from a library (Merkle Patricia tries, sparse Merkle trees) because a block touches thousands of
 * entries: with buckets, an update costs one hash per touched bucket plus 16 per path, entries live
 * in SQLite, and a proof is a bucket's entry hashes plus 16 siblings — simple for an independent
 * verifier (docs/contracts.md, "State root").
 *
 *   entry     {key, value}            key: `object:<id>` | `balance:<class>\0<uom>\0<holder>` | `alert:<seq>`
 *   keyHash   sha256(utf8(key))
 *   leafHash  sha256(JCS({key, value}))
 *   bucket    first two bytes of keyHash, big-endian (0 … 65535)
 *   bucket hash  sha256(0x02 ‖ keyHash₁ ‖ leafHash₁ ‖ … ) over its entries in keyHash order
 *   inner node   sha256(0x01 ‖ left ‖ right); the root is the node above all buckets
 */
const BUCKETS = 1 << STATE_TREE_DEPTH;

export type StateEntry =
  | { kind: 'object'; value: ObjectState }
  | { kind: 'balance'; value: BalanceKey & { quantity: number } }
  | { kind: 'alert'; value: Alert };

export interface StateLeaf {
  key: string;
  keyHash: Uint8Array;
  /** Absent when the entry was removed (a balance that went to zero). */
  leafHash?: Uint8Array;
}

export function stateKey(entry: StateEntry): string {
  switch (entry.kind) {
    case 'object':
      return `object:${entry.value.id}`;
    case 'balance': {
      const { epcClass, uom, holder } = entry.value;
      return `balance:${epcClass}\u0000${uom}\u0000${holder}`;
    }
    case 'alert':
      return `alert:${entry.value.seq}`;
  }
}

/** A balance of zero is no entry at all: its leaf is removed. */
export function leafOf(entry: StateEntry): StateLeaf {
  const key = stateKey(entry);
  const keyHash = sha256(key);
  if (entry.kind === 'balance' && entry.value.quantity === 0) return { key, keyHash };
  return { key, keyHash, leafHash: sha256(canonicalBytes({ key, value: entry.value })) };
}

export { bucketOf, STATE_TREE_DEPTH };

/** Entries must be in keyHash order (byte order). */
export function bucketHash(entries: readonly { keyHash: Uint8Array; leafHash: Uint8Array }[]): Uint8Array {
  return bucketHashWith(sha256, entries);
}

const nodeHash = (left: Uint8Array, right: Uint8Array) => nodeHashWith(sha256, left, right);

/** DEFAULTS[d]: the hash of an empty subtree whose top is at depth d (16 = an empty bucket). */
const DEFAULTS: Uint8Array[] = (() => {
  const out: Uint8Array[] = [];
  out[STATE_TREE_DEPTH] = bucketHash([]);
  for (let d = STATE_TREE_DEPTH - 1; d >= 0; d--) {
    const below = out[d + 1] as Uint8Array;
    out[d] = nodeHash(below, below);
  }
  return out;
})();

const depthOf = (index: number) => 31 - Math.clz32(index);

/**
 * The inner nodes, sparse: nodes in heap order (root 1, children 2i and 2i+1, bucket b at 2^16 + b)
 * that differ from the empty default. Updates are staged, so the caller can compute the new root
 * inside a storage transaction and apply it only once that transaction committed.
 */
export class StateTree {
  private readonly nodes = new Map<number, Uint8Array>();

  constructor(buckets: Iterable<[number, Uint8Array]> = []) {
    const staged = this.stage(new Map(buckets));
    staged.apply();
  }

  root(): string {
    return toHex(this.node(1));
  }

  /** Stages new bucket hashes; `apply()` makes them current. */
  stage(changed: ReadonlyMap<number, Uint8Array>): { root: string; apply: () => void } {
    const pending = new Map<number, Uint8Array>();
    const get = (i: number) => pending.get(i) ?? this.node(i);
    let level = new Set<number>();
    for (const [bucket, hash] of changed) {
      pending.set(BUCKETS + bucket, hash);
      level.add((BUCKETS + bucket) >> 1);
    }
    while (level.size > 0) {
      const next = new Set<number>();
      for (const i of level) {
        pending.set(i, nodeHash(get(2 * i), get(2 * i + 1)));
        if (i > 1) next.add(i >> 1);
      }
      level = next;
    }
    return {
      root: toHex(get(1)),
      apply: () => {
        for (const [i, hash] of pending) {
          if (compareBytes(hash, DEFAULTS[depthOf(i)] as Uint8Array) === 0) this.nodes.delete(i);
          else this.nodes.set(i, hash);
        }
      },
    };
  }

  /** Sibling hashes from the bucket up to just below the root (16 of them). */
  path(bucket: number): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (let i = BUCKETS + bucket; i > 1; i >>= 1) out.push(this.node(i ^ 1));
    return out;
  }

  private node(i: number): Uint8Array {
    return this.nodes.get(i) ?? (DEFAULTS[depthOf(i)] as Uint8Array);
  }
}

/** keyHash byte order, which is also the order of their hex strings. */
export function compareKeyHash(a: { keyHash: Uint8Array }, b: { keyHash: Uint8Array }): number {
  return compareBytes(a.keyHash, b.keyHash);
}

/** The root of a whole state given as entries (any order): the same root the incremental tree keeps. */
export function rootOfEntries(entries: Iterable<StateEntry>): string {
  const buckets = new Map<number, { keyHash: Uint8Array; leafHash: Uint8Array }[]>();
  for (const entry of entries) {
    const leaf = leafOf(entry);
    if (!leaf.leafHash) continue;
    const b = bucketOf(leaf.keyHash);
    const list = buckets.get(b) ?? [];
    list.push({ keyHash: leaf.keyHash, leafHash: leaf.leafHash });
    buckets.set(b, list);
  }
  const hashes = new Map<number, Uint8Array>();
  for (const [b, list] of buckets) hashes.set(b, bucketHash(list.sort(compareKeyHash)));
  return new StateTree().stage(hashes).root;
}

/** The root of an empty state (genesis). */
export const EMPTY_STATE_ROOT = toHex(DEFAULTS[0] as Uint8Array);
