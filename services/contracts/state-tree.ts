import { canonicalText, sha256, toHex } from '../common/encoding.js';
import {
  bucketHashWith,
  bucketOf,
  compareBytes,
  NODE,
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
  return presentLeaf(key, canonicalText(entry.value), keyHash);
}

/**
 * The leaf of an entry whose value's JCS text is known. JCS({key, value}) is that text spliced
 * into `{"key":…,"value":…}` ("key" sorts before "value"; a string's JCS form is JSON.stringify's),
 * so the node serializes a value once for its leaf and its stored row (storage/custody-store.ts).
 */
export function presentLeaf(
  key: string,
  valueText: string,
  keyHash: Uint8Array = sha256(key),
): Required<StateLeaf> {
  return { key, keyHash, leafHash: sha256(`{"key":${JSON.stringify(key)},"value":${valueText}}`) };
}

export { bucketOf, STATE_TREE_DEPTH };

/** Entries must be in keyHash order (byte order). */
export function bucketHash(entries: readonly { keyHash: Uint8Array; leafHash: Uint8Array }[]): Uint8Array {
  return bucketHashWith(sha256, entries);
}

/** DEFAULTS[d]: the hash of an empty subtree whose top is at depth d (16 = an empty bucket). */
const DEFAULTS: Uint8Array[] = (() => {
  const out: Uint8Array[] = [];
  out[STATE_TREE_DEPTH] = bucketHash([]);
  for (let d = STATE_TREE_DEPTH - 1; d >= 0; d--) {
    const below = out[d + 1] as Uint8Array;
    out[d] = nodeHashWith(sha256, below, below);
  }
  return out;
})();

const HASH = 32;

/**
 * The inner nodes, dense: 2^17 nodes of 32 bytes (4 MiB) in heap order (root 1, children 2i and
 * 2i+1, bucket b at 2^16 + b), empty subtrees holding their default hash. Dense rather than a map
 * of the non-empty nodes because a block touches about a thousand buckets and rehashes ~7 nodes
 * above each: reads are array offsets, and node hashes are computed in one reused buffer. Updates
 * are staged, so the caller can compute the new root inside a storage transaction and apply it
 * only once that transaction committed.
 */
export class StateTree {
  private readonly nodes = new Uint8Array(2 * BUCKETS * HASH);
  /** NODE ‖ left ‖ right of the node being hashed (verify/state-tree.ts nodeHashWith, inlined). */
  private readonly scratch = new Uint8Array(1 + 2 * HASH);

  constructor(buckets: Iterable<[number, Uint8Array]> = []) {
    for (let d = 0; d <= STATE_TREE_DEPTH; d++) {
      const first = (1 << d) * HASH;
      this.nodes.set(DEFAULTS[d] as Uint8Array, first);
      // Doubling copies fill the level [2^d, 2^(d+1)) with its default.
      for (let filled = HASH; filled < first; filled *= 2)
        this.nodes.copyWithin(first + filled, first, first + Math.min(filled, first - filled));
    }
    this.scratch[0] = NODE;
    this.stage(new Map(buckets)).apply();
  }

  root(): string {
    return toHex(this.nodes.subarray(HASH, 2 * HASH));
  }

  /** Stages new bucket hashes; `apply()` makes them current. */
  stage(changed: ReadonlyMap<number, Uint8Array>): { root: string; apply: () => void } {
    const pending = new Map<number, Uint8Array>();
    let level: number[] = [];
    for (const [bucket, hash] of changed) {
      pending.set(BUCKETS + bucket, hash);
      level.push(BUCKETS + bucket);
    }
    level.sort((a, b) => a - b);
    // Sorted indices stay sorted one level up, so each parent is hashed once.
    while (level[0] !== undefined && level[0] > 1) {
      const next: number[] = [];
      for (const i of level) {
        const parent = i >> 1;
        if (next[next.length - 1] === parent) continue;
        next.push(parent);
        this.load(1, 2 * parent, pending);
        this.load(1 + HASH, 2 * parent + 1, pending);
        pending.set(parent, sha256(this.scratch));
      }
      level = next;
    }
    const root = pending.get(1);
    return {
      root: root ? toHex(root) : this.root(),
      apply: () => {
        for (const [i, hash] of pending) this.nodes.set(hash, i * HASH);
      },
    };
  }

  /** Sibling hashes from the bucket up to just below the root (16 of them). */
  path(bucket: number): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (let i = BUCKETS + bucket; i > 1; i >>= 1)
      out.push(this.nodes.slice((i ^ 1) * HASH, ((i ^ 1) + 1) * HASH));
    return out;
  }

  /** Copies node `i` (staged or current) into the scratch buffer at `at`. */
  private load(at: number, i: number, pending: ReadonlyMap<number, Uint8Array>): void {
    const staged = pending.get(i);
    if (staged) this.scratch.set(staged, at);
    else copy32(this.nodes, i * HASH, this.scratch, at);
  }
}

function copy32(from: Uint8Array, start: number, to: Uint8Array, at: number): void {
  for (let k = 0; k < HASH; k++) to[at + k] = from[start + k] as number;
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
