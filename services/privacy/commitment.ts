import { createCipheriv, hash, randomBytes } from 'node:crypto';
import { HmacSha256 } from '../common/index.js';
import { binaryLeafTreeHash, nodeTreeHash } from '../ledger/index.js';
import {
  type Disclosure,
  fieldLeafText,
  merklePathOf,
  merkleRootOf,
  type TreeHash,
} from '../verify/index.js';
import type { SealedField } from './tiers.js';

/**
 * The salted per-field commitment of a sealed event (docs/privacy.md): one leaf per sealed field
 * (verify/disclosure.ts defines the leaf, shared with the verifier), each salted with 128 bits
 * derived from a per-event 32-byte seed that travels only inside the ciphertext; padded with decoy
 * leaves to 16 or the next power of two, so the tree's size says little about how many fields
 * there are; leaves in hash order, so a position says nothing about which field sits there.
 *
 * Two versions, told apart by the seed: a seed of 64 hex digits is version 2's (salts and decoys
 * HMACs under the seed, each decoy then hashed as a leaf), `v3.` and 64 hex digits version 3's
 * (salts and decoys one AES-256-CTR keystream under the seed, each decoy a bottom node of the tree
 * as it is, sorted with the fields' bottom nodes): about 23 SHA-256 calls per event instead of 67
 * for the usual few sealed fields. The verifier needs neither: a disclosure carries its salt and
 * the bottom nodes and inner nodes of its path, the same for both.
 */

const MIN_LEAVES = 16;

/** A fresh per-event seed (hex, 32 bytes). */
export function newSeed(): string {
  return randomBytes(32).toString('hex');
}

/** The commitment version new captures are sealed with (SealedPlain.v). */
export const SEAL_VERSION = 3;
const V3 = 'v3.';
const isV3 = (seed: string) => seed.startsWith(V3);

/** HMAC-SHA256 under a hex seed (common/hmac.ts: its padded key made once for all its messages). */
const keyed = (seed: string) => new HmacSha256(Buffer.from(seed, 'hex'));

/**
 * The seed of event `index` of a sealed group: HMAC-SHA256(group seed, "event\n" ‖ index), hex. The
 * ciphertext then carries one 32-byte seed per group instead of one per event; each event's seed
 * stays unpredictable without the group's, and a disclosure reveals salts, never a seed.
 */
export function eventSeedOf(groupSeed: string | HmacSha256, index: number, version = 2): string {
  const seed = (typeof groupSeed === 'string' ? keyed(groupSeed) : groupSeed).digest(`event\n${index}`);
  return version >= 3 ? `${V3}${seed}` : seed;
}

/** Version 2's salt of one field: HMAC-SHA256(seed, "salt\n" ‖ path), first 16 bytes, hex. */
export function saltOf(seed: string | HmacSha256, path: string): string {
  return (typeof seed === 'string' ? keyed(seed) : seed).digest(`salt\n${path}`).slice(0, 32);
}

export function leafCount(fields: number): number {
  let n = MIN_LEAVES;
  while (n < fields) n *= 2;
  return n;
}

/** The tree of an event's sealed fields: leaves (hex, sorted) and the leaf of each path. */
export interface FieldTree {
  root: string;
  /** Version 2: the leaves, sorted; version 3: the bottom nodes of the tree, sorted. */
  leaves: string[];
  leafOf: Map<string, string>;
}

/**
 * Version 2: the sorted leaves (binary strings: sorted as the hex the definition speaks of, byte
 * order) and each path's leaf. The leaves are verify/disclosure.ts's (fieldLeafText), hashed by
 * node:crypto, and the tree verify/merkle.ts's over the node's binary-string hashes
 * (ledger/merkle.ts): sealing and every recipient's opening compute one per event, so it is on the
 * sealed commit path.
 */
function binaryLeavesV2(seed: string, fields: readonly SealedField[]) {
  const mac = keyed(seed);
  const leafOf = new Map<string, string>();
  const salts = new Map<string, string>();
  for (const { path, value } of fields) {
    const salt = saltOf(mac, path);
    salts.set(path, salt);
    leafOf.set(path, hash('sha256', fieldLeafText(salt, path, value), 'binary'));
  }
  const leaves = [...leafOf.values()];
  const count = leafCount(leaves.length);
  for (let k = 0; leaves.length < count; k++) leaves.push(mac.digest(`decoy\n${k}`, 'binary'));
  leaves.sort();
  return { leaves, leafOf, salts, tree: binaryLeafTreeHash };
}

/** Version 3's tree over its bottom nodes as they are (the leaf hash already taken). */
const bottomNodeTree: TreeHash<string, string> = {
  leaf: (node) => node,
  node: nodeTreeHash.node,
  hex: nodeTreeHash.hex,
};
const ZEROS = Buffer.alloc(16 * 128);

/**
 * Version 3: field i's salt is bytes [16i, 16i + 16) of the AES-256-CTR keystream under the seed
 * (zero IV; one key per event, never reused), in the order the fields are given (sealedFields'),
 * and decoy k the next 32 bytes after the salts, each a bottom node as it is; a field's bottom node
 * is the tree's leaf hash of its leaf, sha256(0x00 ‖ sha256(JCS([salt, path, value]))). Bottom
 * nodes sorted, so a position says nothing about which is a field.
 */
function binaryLeavesV3(seed: string, fields: readonly SealedField[]) {
  const count = leafCount(fields.length);
  // A salt per field, and room for up to `count` decoys (count - fields.length when paths are unique).
  const need = 16 * fields.length + 32 * count;
  const cipher = createCipheriv(
    'aes-256-ctr',
    Buffer.from(seed.slice(V3.length), 'hex'),
    ZEROS.subarray(0, 16),
  );
  const stream = cipher.update(need <= ZEROS.length ? ZEROS.subarray(0, need) : Buffer.alloc(need));
  const leafOf = new Map<string, string>();
  const salts = new Map<string, string>();
  fields.forEach(({ path, value }, i) => {
    const salt = stream.toString('hex', 16 * i, 16 * i + 16);
    salts.set(path, salt);
    const leaf = hash('sha256', fieldLeafText(salt, path, value), 'binary');
    leafOf.set(path, binaryLeafTreeHash.leaf(leaf));
  });
  const leaves = [...leafOf.values()];
  for (let at = 16 * fields.length; leaves.length < count; at += 32) {
    leaves.push(stream.toString('latin1', at, at + 32));
  }
  leaves.sort();
  return { leaves, leafOf, salts, tree: bottomNodeTree };
}

const binaryLeaves = (seed: string, fields: readonly SealedField[]) =>
  isV3(seed) ? binaryLeavesV3(seed, fields) : binaryLeavesV2(seed, fields);

/** The root of an event's field tree (hex): what sealing commits to and a recipient checks. */
export function fieldRoot(seed: string, fields: readonly SealedField[]): string {
  const { tree, leaves } = binaryLeaves(seed, fields);
  return merkleRootOf(tree, leaves);
}

const hexOf = (binary: string) => Buffer.from(binary, 'latin1').toString('hex');

export function fieldTree(seed: string, fields: readonly SealedField[]): FieldTree {
  const binary = binaryLeaves(seed, fields);
  const leafOf = new Map([...binary.leafOf].map(([path, leaf]) => [path, hexOf(leaf)]));
  return {
    root: merkleRootOf(binary.tree, binary.leaves),
    leaves: binary.leaves.map(hexOf),
    leafOf,
  };
}

/** The disclosure of one sealed field, or undefined when the event seals no such path. */
export function disclosureOf(
  seed: string,
  fields: readonly SealedField[],
  path: string,
): Disclosure | undefined {
  const field = fields.find((f) => f.path === path);
  if (!field) return undefined;
  const binary = binaryLeaves(seed, fields);
  const leaf = binary.leafOf.get(path) as string;
  const index = binary.leaves.indexOf(leaf);
  return {
    path,
    salt: binary.salts.get(path) as string,
    value: field.value,
    index,
    count: binary.leaves.length,
    // Version 2's leaves are hex leaves the tree hashes; the path is over the same bottom nodes.
    merklePath: isV3(seed)
      ? merklePathOf(bottomNodeTree, binary.leaves, index)
      : merklePathOf(nodeTreeHash, binary.leaves.map(hexOf), index),
  };
}
