import { hash, randomBytes } from 'node:crypto';
import { HmacSha256 } from '../common/index.js';
import { binaryLeafTreeHash, nodeTreeHash } from '../ledger/index.js';
import { type Disclosure, fieldLeafText, merklePathOf, merkleRootOf } from '../verify/index.js';
import type { SealedField } from './tiers.js';

/**
 * The salted per-field commitment of a sealed event (docs/privacy.md): one leaf per sealed field
 * (verify/disclosure.ts defines the leaf, shared with the verifier), each salted with 128 bits
 * derived from a per-event 32-byte seed that travels only inside the ciphertext; padded with decoy
 * leaves to 16 or the next power of two, so the tree's size says little about how many fields
 * there are; leaves in hash order, so a position says nothing about which field sits there.
 */

const MIN_LEAVES = 16;

/** A fresh per-event seed (hex, 32 bytes). */
export function newSeed(): string {
  return randomBytes(32).toString('hex');
}

/** HMAC-SHA256 under a hex seed (common/hmac.ts: its padded key made once for all its messages). */
const keyed = (seed: string) => new HmacSha256(Buffer.from(seed, 'hex'));

/**
 * The seed of event `index` of a sealed group: HMAC-SHA256(group seed, "event\n" ‖ index), hex. The
 * ciphertext then carries one 32-byte seed per group instead of one per event; each event's seed
 * stays unpredictable without the group's, and a disclosure reveals salts, never a seed.
 */
export function eventSeedOf(groupSeed: string | HmacSha256, index: number): string {
  return (typeof groupSeed === 'string' ? keyed(groupSeed) : groupSeed).digest(`event\n${index}`);
}

/** The salt of one field: HMAC-SHA256(seed, "salt\n" ‖ path), first 16 bytes, hex. */
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
  leaves: string[];
  leafOf: Map<string, string>;
}

/**
 * The sorted leaves (binary strings: sorted as the hex the definition speaks of, byte order) and
 * each path's leaf. The leaves are verify/disclosure.ts's (fieldLeafText), hashed by node:crypto,
 * and the tree verify/merkle.ts's over the node's binary-string hashes (ledger/merkle.ts): sealing
 * and every recipient's opening compute one per event, so it is on the sealed commit path.
 */
function binaryLeaves(seed: string, fields: readonly SealedField[]) {
  const mac = keyed(seed);
  const leafOf = new Map<string, string>();
  for (const { path, value } of fields) {
    leafOf.set(path, hash('sha256', fieldLeafText(saltOf(mac, path), path, value), 'binary'));
  }
  const leaves = [...leafOf.values()];
  const count = leafCount(leaves.length);
  for (let k = 0; leaves.length < count; k++) leaves.push(mac.digest(`decoy\n${k}`, 'binary'));
  leaves.sort();
  return { leaves, leafOf };
}

/** The root of an event's field tree (hex): what sealing commits to and a recipient checks. */
export function fieldRoot(seed: string, fields: readonly SealedField[]): string {
  return merkleRootOf(binaryLeafTreeHash, binaryLeaves(seed, fields).leaves);
}

const hexOf = (binary: string) => Buffer.from(binary, 'latin1').toString('hex');

export function fieldTree(seed: string, fields: readonly SealedField[]): FieldTree {
  const binary = binaryLeaves(seed, fields);
  const leafOf = new Map([...binary.leafOf].map(([path, leaf]) => [path, hexOf(leaf)]));
  return {
    root: merkleRootOf(binaryLeafTreeHash, binary.leaves),
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
  const tree = fieldTree(seed, fields);
  const leaf = tree.leafOf.get(path) as string;
  const index = tree.leaves.indexOf(leaf);
  return {
    path,
    salt: saltOf(seed, path),
    value: field.value,
    index,
    count: tree.leaves.length,
    merklePath: merklePathOf(nodeTreeHash, tree.leaves, index),
  };
}
