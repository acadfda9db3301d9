import { hash } from 'node:crypto';
import { canonicalText, sha256, toHex } from '../common/index.js';
import {
  bucketHashWith,
  bucketOf,
  compareBytes,
  NODE,
  nodeHashWith,
  STATE_TREE_DEPTH,
} from '../verify/index.js';
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
/** Bytes of one dense copy of the tree: nodes 1 … 2^17 - 1 at 32 bytes each (index 0 unused). */
const TREE_BYTES = 2 * BUCKETS * HASH;
const STAGED = TREE_BYTES;
const SCRATCH = 2 * TREE_BYTES;

/**
 * The inner nodes, dense: 2^17 nodes of 32 bytes (4 MiB) in heap order (root 1, children 2i and
 * 2i+1, bucket b at 2^16 + b), empty subtrees holding their default hash. Dense rather than a map
 * of the non-empty nodes because a block touches about a thousand buckets and rehashes ~7 nodes
 * above each. One buffer holds the committed tree, a second copy where a staging writes the nodes
 * it recomputes (`stamp` marks which are current for the latest staging), and the hash input
 * `NODE ‖ left ‖ right`, so a node costs byte copies within it and one hash, without allocation.
 * Updates are staged so the caller can compute the new root inside a storage transaction and
 * apply it only once that transaction committed.
 */
export class StateTree {
  private readonly mem = new Uint8Array(2 * TREE_BYTES + 1 + 2 * HASH);
  /** The hash input (verify/state-tree.ts nodeHashWith, inlined). */
  private readonly input = this.mem.subarray(SCRATCH);
  /** stamp[i] === generation: node i of the latest staging is in the staged copy. */
  private readonly stamp = new Uint32Array(2 * BUCKETS);
  private generation = 0;

  constructor(buckets: Iterable<[number, Uint8Array]> = []) {
    for (let d = 0; d <= STATE_TREE_DEPTH; d++) {
      const first = (1 << d) * HASH;
      this.mem.set(DEFAULTS[d] as Uint8Array, first);
      // Doubling copies fill the level [2^d, 2^(d+1)) with its default.
      for (let filled = HASH; filled < first; filled *= 2)
        this.mem.copyWithin(first + filled, first, first + Math.min(filled, first - filled));
    }
    this.input[0] = NODE;
    this.stage(new Map(buckets)).apply();
  }

  root(): string {
    return toHex(this.mem.subarray(HASH, 2 * HASH));
  }

  /**
   * Stages new bucket hashes; `apply()` makes them current. Only the latest staging can be
   * applied (the node stages one block at a time).
   */
  stage(changed: ReadonlyMap<number, Uint8Array>): { root: string; apply: () => void } {
    const { mem, stamp } = this;
    const generation = ++this.generation;
    const staged: number[] = [];
    for (const [bucket, hash] of changed) {
      const i = BUCKETS + bucket;
      mem.set(hash, STAGED + i * HASH);
      stamp[i] = generation;
      staged.push(i);
    }
    let level = staged.sort((a, b) => a - b).slice();
    // Sorted indices stay sorted one level up, so each parent is hashed once.
    while (level[0] !== undefined && level[0] > 1) {
      const next: number[] = [];
      for (const i of level) {
        const parent = i >> 1;
        if (next[next.length - 1] === parent) continue;
        next.push(parent);
        this.load(1, 2 * parent, generation);
        this.load(1 + HASH, 2 * parent + 1, generation);
        // node:crypto's one-shot hash, its digest as latin1 text copied in place (common/encoding.ts sha256).
        const digest = hash('sha256', this.input, 'binary');
        const at = STAGED + parent * HASH;
        for (let k = 0; k < HASH; k++) mem[at + k] = digest.charCodeAt(k);
        stamp[parent] = generation;
      }
      staged.push(...next);
      level = next;
    }
    const root = stamp[1] === generation ? toHex(mem.slice(STAGED + HASH, STAGED + 2 * HASH)) : this.root();
    return {
      root,
      apply: () => {
        if (generation !== this.generation) throw new Error('a later staging replaced this one');
        for (const i of staged) mem.copyWithin(i * HASH, STAGED + i * HASH, STAGED + (i + 1) * HASH);
      },
    };
  }

  /** Sibling hashes from the bucket up to just below the root (16 of them). */
  path(bucket: number): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (let i = BUCKETS + bucket; i > 1; i >>= 1)
      out.push(this.mem.slice((i ^ 1) * HASH, ((i ^ 1) + 1) * HASH));
    return out;
  }

  /** Copies node `i`, staged or committed, into the hash input at `at`. */
  private load(at: number, i: number, generation: number): void {
    const from = (this.stamp[i] === generation ? STAGED : 0) + i * HASH;
    this.mem.copyWithin(SCRATCH + at, from, from + HASH);
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
