import { readFileSync } from 'node:fs';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import type { CaptureTxBody } from '../../../services/ledger/index.js';
import {
  Decrypter,
  disclosureOf,
  eventSeedOf,
  fieldRoot,
  fieldTree,
  leafCount,
  openCapture,
  publicView,
  type SealedField,
  saltOf,
  sealedFields,
  tierContext,
} from '../../../services/privacy/index.js';
import {
  type Disclosure,
  fieldLeafWith,
  merklePathWith,
  merkleRootWith,
  sha256,
  verifyDisclosures,
} from '../../../services/verify/index.js';

// The commitment and the ciphertext are a format: what was sealed before must open and verify the
// same, whatever the implementation does to be fast. The fixture was made by the code of commit
// 5085fcb (before the node computed the field tree with its own HMAC and tree hashing); the
// reference below computes the tree from its definition with @noble/hashes only.

interface Fixture {
  privateKeys: Record<'org-b' | 'org-c', unknown>;
  plain: CaptureTxBody;
  sealed: CaptureTxBody;
  seed: string;
  trees: Array<{ root: string; leaves: string[]; disclosures: Disclosure[] }>;
}

const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/sealed-v2.json', import.meta.url), 'utf8'),
) as Fixture;
const members = [
  { id: 'org-a', parties: ['urn:epc:id:pgln:0614141.00000'], locations: ['urn:epc:id:sgln:0614141.00001.0'] },
  { id: 'org-b', parties: ['urn:epc:id:pgln:0614142.00000'], locations: ['urn:epc:id:sgln:0614142.00001.0'] },
  { id: 'org-c', parties: ['urn:epc:id:pgln:0614143.00000'], locations: ['urn:epc:id:sgln:0614143.00001.0'] },
];
const tiers = tierContext(members, ['waybill:minTemperature', 'waybill:maxTemperature']);
const plainEvents = (fixture.plain.document.epcisBody as { eventList: Record<string, unknown>[] }).eventList;
const utf8 = new TextEncoder();

/** The field tree from docs/privacy.md's definition, with @noble/hashes' HMAC and SHA-256. */
function referenceTree(seed: string, fields: readonly SealedField[]): { root: string; leaves: string[] } {
  const mac = (label: string) => hmac(nobleSha256, hexToBytes(seed), utf8.encode(label));
  const leaves = fields.map(({ path, value }) =>
    fieldLeafWith(sha256, bytesToHex(mac(`salt\n${path}`).subarray(0, 16)), path, value),
  );
  const count = leafCount(leaves.length);
  for (let k = 0; leaves.length < count; k++) leaves.push(bytesToHex(mac(`decoy\n${k}`)));
  leaves.sort();
  return { root: merkleRootWith(sha256, leaves), leaves };
}

/** A deterministic pseudo-random source for the fuzzed fields. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function fuzzedFields(next: () => number): SealedField[] {
  const alphabet = ['a', 'Z', '0', ':', '/', '~', 'é', '€', '✓', '😀', ' ', '\n', '"'];
  const text = (n: number) =>
    Array.from({ length: n }, () => alphabet[Math.floor(next() * alphabet.length)]).join('');
  const count = Math.floor(next() * 40);
  const fields: SealedField[] = [];
  for (let i = 0; i < count; i++) {
    const kind = Math.floor(next() * 4);
    const value =
      kind === 0
        ? text(1 + Math.floor(next() * 30))
        : kind === 1
          ? next() * 1000
          : { k: text(5), n: [i, null] };
    fields.push({ path: `f${i}/${text(1 + Math.floor(next() * 12))}`, value });
  }
  return fields;
}

describe('the field commitment', () => {
  it('is the one its definition gives, for fuzzed fields, paths and seeds', () => {
    const next = random(14);
    for (let round = 0; round < 200; round++) {
      const seed = bytesToHex(Uint8Array.from({ length: 32 }, () => Math.floor(next() * 256)));
      const fields = fuzzedFields(next);
      const tree = fieldTree(seed, fields);
      const reference = referenceTree(seed, fields);
      expect(tree.root).toBe(reference.root);
      expect(fieldRoot(seed, fields)).toBe(reference.root);
      expect(tree.leaves).toEqual(reference.leaves);
      for (const { path } of fields.slice(0, 3)) {
        const d = disclosureOf(seed, fields, path) as Disclosure;
        expect(d.salt).toBe(
          bytesToHex(hmac(nobleSha256, hexToBytes(seed), utf8.encode(`salt\n${path}`))).slice(0, 32),
        );
        expect(d.merklePath).toEqual(merklePathWith(sha256, reference.leaves, d.index));
        expect(
          verifyDisclosures(sha256, { 'wb:sealed': { root: tree.root, group: 0 } }, [d], { pass: () => {} }),
        ).toHaveLength(1);
      }
      expect(eventSeedOf(seed, round)).toBe(
        bytesToHex(hmac(nobleSha256, hexToBytes(seed), utf8.encode(`event\n${round}`))),
      );
      expect(saltOf(seed, 'x')).toBe(
        bytesToHex(hmac(nobleSha256, hexToBytes(seed), utf8.encode('salt\nx'))).slice(0, 32),
      );
    }
  });

  it('gives the roots, leaves and disclosures made before, with 16 and 32 leaves', () => {
    fixture.trees.forEach((expected, i) => {
      const event = plainEvents[i] as Record<string, unknown>;
      const fields = sealedFields(event, publicView(event, tiers));
      const tree = fieldTree(fixture.seed, fields);
      expect(tree.root).toBe(expected.root);
      expect(tree.leaves).toEqual(expected.leaves);
      expect(fields.map((f) => disclosureOf(fixture.seed, fields, f.path))).toEqual(expected.disclosures);
    });
    expect(fixture.trees.map((t) => t.leaves.length)).toEqual([16, 32, 16, 16]);
  });

  it('opens a capture sealed before to the same events at each recipient', async () => {
    const atB = await openCapture(
      fixture.sealed,
      new Decrypter([fixture.privateKeys['org-b'] as never]),
      tiers,
    );
    expect(atB.faults).toEqual([]);
    expect(atB.events.map((e) => e.index)).toEqual([0, 1, 2]);
    expect(atB.events.map((e) => e.event)).toEqual(plainEvents.slice(0, 3));
    const atC = await openCapture(
      fixture.sealed,
      new Decrypter([fixture.privateKeys['org-c'] as never]),
      tiers,
    );
    expect(atC.faults).toEqual([]);
    expect(atC.events.map((e) => e.event)).toEqual([plainEvents[3]]);
  });
});
