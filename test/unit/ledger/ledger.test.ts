import { describe, expect, it } from 'vitest';
import {
  canonicalBytes,
  canonicalText,
  Domain,
  hashOf,
  sameCanonical,
  sha256Hex,
  signingBytes,
  toHex,
} from '../../../services/common/index.js';
import { createSigner, generateSeed, verify } from '../../../services/crypto/index.js';
import type { TxBody } from '../../../services/ledger/index.js';
import {
  EMPTY_ROOT,
  merkleRoot,
  quorumOf,
  signTx,
  verifyCertificate,
  verifyTx,
  voteBytes,
} from '../../../services/ledger/index.js';
import { merkleRootWith, sha256 } from '../../../services/verify/index.js';

const body: TxBody = {
  kind: 'capture',
  network: 'n',
  org: 'a',
  submitter: 'erp',
  errorBehaviour: 'rollback',
  document: { epcisBody: { eventList: [] } },
};

describe('canonical encoding', () => {
  it('is independent of key order and matches RFC 8785', () => {
    const a = new TextDecoder().decode(
      canonicalBytes({ b: 1, a: [1.5, 'x', null], c: { z: true, y: 1e21 } }),
    );
    expect(a).toBe('{"a":[1.5,"x",null],"b":1,"c":{"y":1e+21,"z":true}}');
  });

  it('separates signing domains', () => {
    expect(signingBytes(Domain.Vote, { x: 1 })).not.toEqual(signingBytes(Domain.Proposal, { x: 1 }));
    const text = new TextDecoder().decode(signingBytes(Domain.Vote, { x: 'é' }));
    expect(text).toBe('waybill/vote/v1\n{"x":"é"}');
  });

  it('hashes exactly the canonical bytes, non-ASCII and lone surrogates included', () => {
    for (const value of [{ a: 'ü€𝄞', b: [1, 'x'] }, { s: '\ud800 lone' }, 'plain', [1e21, null]]) {
      expect(hashOf(value)).toBe(sha256Hex(canonicalBytes(value)));
    }
    // sha256('{"a":2,"b":1}')
    expect(hashOf({ b: 1, a: 2 })).toBe('d3626ac30a87e6f7a6428233b3c68299976865fa5508e4267c5415c76af7a772');
  });
});

describe('quorum', () => {
  it('is 2f+1 for n = 3f+1 and more than two thirds otherwise', () => {
    expect(quorumOf(1)).toEqual({ f: 0, quorum: 1 });
    expect(quorumOf(4)).toEqual({ f: 1, quorum: 3 });
    expect(quorumOf(7)).toEqual({ f: 2, quorum: 5 });
    expect(quorumOf(10)).toEqual({ f: 3, quorum: 7 });
    expect(quorumOf(2).quorum).toBe(2);
  });
});

describe('merkle root', () => {
  const leaf = (n: number) => n.toString(16).padStart(64, '0');

  it('has a fixed empty root and depends on every leaf and its position', () => {
    expect(merkleRoot([])).toBe(EMPTY_ROOT);
    const three = merkleRoot([leaf(1), leaf(2), leaf(3)]);
    expect(merkleRoot([leaf(1), leaf(2), leaf(4)])).not.toBe(three);
    expect(merkleRoot([leaf(2), leaf(1), leaf(3)])).not.toBe(three);
    expect(merkleRoot([leaf(1)])).not.toBe(leaf(1)); // leaves are hashed with a prefix
  });

  it('hashes leaves of any hex length as the verifier does, and refuses what is not lower-case hex', () => {
    const leaves = ['', 'ab', 'cd'.repeat(40), leaf(7), leaf(8)];
    expect(merkleRoot(leaves)).toBe(merkleRootWith(sha256, leaves));
    for (const bad of [leaf(10).toUpperCase(), `${leaf(1).slice(0, 63)}g`, 'abc'])
      expect(() => merkleRoot([leaf(1), bad])).toThrow(TypeError);
  });
});

describe('sameCanonical', () => {
  it('says equal exactly when the canonical texts are', () => {
    const cases: Array<[unknown, unknown]> = [
      [
        { a: 1, b: [1, { c: 'x' }] },
        { b: [1, { c: 'x' }], a: 1 },
      ],
      [{ a: 1 }, { a: 1, b: undefined }],
      [{ a: 0 }, { a: -0 }],
      [
        [1, 2],
        [2, 1],
      ],
      [{ a: [1] }, { a: { 0: 1 } }],
      [{ a: null }, { a: {} }],
      ['1', 1],
      [Object.create(null), {}],
      [{ a: 'é' }, { a: 'e' }],
      [{ __proto__: null, x: [true] }, { x: [true] }],
    ];
    for (const [a, b] of cases) expect(sameCanonical(a, b)).toBe(canonicalText(a) === canonicalText(b));
  });
});

describe('transactions and certificates', () => {
  const a = createSigner(generateSeed());
  const b = createSigner(generateSeed());
  const c = createSigner(generateSeed());
  const d = createSigner(generateSeed());

  it('verifies a signed transaction and rejects a tampered one or another key', () => {
    const tx = signTx(body, a);
    expect(verifyTx(tx, a.publicKey, verify)).toBe(true);
    expect(verifyTx(tx, b.publicKey, verify)).toBe(false);
    expect(verifyTx({ ...tx, body: { ...body, submitter: 'mallory' } }, a.publicKey, verify)).toBe(false);
  });

  it('accepts a certificate only with a quorum of distinct members', () => {
    const members = new Map([
      ['a', a.publicKey],
      ['b', b.publicKey],
      ['c', c.publicKey],
      ['d', d.publicKey],
    ]);
    const hash = 'ab'.repeat(32);
    const sig = (s: typeof a, member: string) => ({
      member,
      signature: toHex(s.sign(voteBytes('precommit', 'n', 5, 0, hash))),
    });
    const cert = {
      height: 5,
      round: 0,
      blockHash: hash,
      signatures: [sig(a, 'a'), sig(b, 'b'), sig(c, 'c')],
    };
    expect(verifyCertificate(cert, 'n', members, 3, verify)).toBe(true);
    expect(
      verifyCertificate(
        { ...cert, signatures: [sig(a, 'a'), sig(a, 'a'), sig(b, 'b')] },
        'n',
        members,
        3,
        verify,
      ),
    ).toBe(false);
    expect(verifyCertificate({ ...cert, height: 6 }, 'n', members, 3, verify)).toBe(false);
    const outsider = createSigner(generateSeed());
    expect(
      verifyCertificate(
        { ...cert, signatures: [sig(a, 'a'), sig(b, 'b'), sig(outsider, 'e')] },
        'n',
        members,
        3,
        verify,
      ),
    ).toBe(false);
    expect(
      verifyCertificate(
        { ...cert, signatures: [sig(a, 'a'), sig(b, 'b'), sig(outsider, 'c')] },
        'n',
        members,
        3,
        verify,
      ),
    ).toBe(false);
  });
});
