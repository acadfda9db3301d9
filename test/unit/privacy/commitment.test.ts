import { createCipheriv } from 'node:crypto';
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

/**
 * Version 3's tree from its definition (docs/privacy.md): salts and decoys from the AES-256-CTR
 * keystream under the seed, decoys bottom nodes as they are, bottom nodes sorted, inner nodes
 * sha256(0x01 ‖ left ‖ right) with an odd last node promoted; SHA-256 from @noble/hashes.
 */
function referenceTreeV3(seedHex: string, fields: readonly SealedField[]) {
  const count = leafCount(fields.length);
  const cipher = createCipheriv('aes-256-ctr', hexToBytes(seedHex), new Uint8Array(16));
  const stream = cipher.update(new Uint8Array(16 * fields.length + 32 * count));
  const salts = fields.map((_, i) => bytesToHex(stream.subarray(16 * i, 16 * i + 16)));
  const bottom = fields.map(({ path, value }, i) => {
    const leaf = hexToBytes(fieldLeafWith(sha256, salts[i] as string, path, value));
    return bytesToHex(nobleSha256(Uint8Array.from([0, ...leaf])));
  });
  for (let at = 16 * fields.length; bottom.length < count; at += 32) {
    bottom.push(bytesToHex(stream.subarray(at, at + 32)));
  }
  bottom.sort();
  let level: Uint8Array[] = bottom.map((h) => hexToBytes(h));
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const [l, r] = [level[i] as Uint8Array, level[i + 1]];
      next.push(r ? nobleSha256(Uint8Array.from([1, ...l, ...r])) : l);
    }
    level = next;
  }
  return { root: bytesToHex(level[0] as Uint8Array), bottom, salts };
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

  it('is version 3 for a v3 seed, and its disclosures verify with the verifier as it was', () => {
    const next = random(20261206);
    for (let round = 0; round < 200; round++) {
      const hex = bytesToHex(Uint8Array.from({ length: 32 }, () => Math.floor(next() * 256)));
      const seed = `v3.${hex}`;
      const fields = fuzzedFields(next);
      const reference = referenceTreeV3(hex, fields);
      const tree = fieldTree(seed, fields);
      expect(fieldRoot(seed, fields)).toBe(reference.root);
      expect(tree.root).toBe(reference.root);
      expect(tree.leaves).toEqual(reference.bottom);
      // Not version 2's root for the same seed bytes.
      if (fields.length > 0) expect(fieldRoot(hex, fields)).not.toBe(reference.root);
      fields.slice(0, 3).forEach(({ path }, i) => {
        const d = disclosureOf(seed, fields, path) as Disclosure;
        expect(d.salt).toBe(reference.salts[i]);
        expect(d.count).toBe(reference.bottom.length);
        const sealed = { 'wb:sealed': { root: tree.root, group: 0 } };
        expect(verifyDisclosures(sha256, sealed, [d], { pass: () => {} })).toHaveLength(1);
        const bad = [
          { ...d, salt: `${d.salt.slice(0, 31)}${d.salt.endsWith('0') ? '1' : '0'}` },
          { ...d, value: 'changed' },
          { ...d, index: (d.index + 1) % d.count },
        ];
        for (const b of bad) {
          expect(() => verifyDisclosures(sha256, sealed, [b], { pass: () => {} })).toThrow(
            /does not lead to the event's sealed root/,
          );
        }
      });
    }
    expect(eventSeedOf('ab'.repeat(32), 7, 3)).toBe(`v3.${eventSeedOf('ab'.repeat(32), 7)}`);
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
