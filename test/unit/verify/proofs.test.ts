import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { canonicalBytes, hashOf, sha256 as nodeSha256, toHex } from '../../../services/common/index.js';
import { verify as nodeVerify } from '../../../services/crypto/index.js';
import { headerHash, merkleProof, merkleRoot, voteBytes } from '../../../services/ledger/index.js';
import {
  CHECKS,
  type EventProof,
  ed25519Verify,
  jcsHash,
  merkleRootWith,
  rootFromPathWith,
  sha256,
  verifyProof,
} from '../../../services/verify/index.js';
import { NETWORK, signers } from '../../consensus/helpers.js';
import { GENESIS_KEYS, outsider, proofLedger } from '../../support/proofs.js';

const ledger = proofLedger();
afterAll(() => ledger.close());

function proofOf(eventID: string): EventProof {
  const proof = ledger.proofs.event(eventID);
  if (!proof) throw new Error(`no proof for ${eventID}`);
  // As it travels: JSON text, parsed by the auditor.
  return JSON.parse(JSON.stringify(proof)) as EventProof;
}

/** Lower-case hex with its character at `at` changed to another hex digit. */
function flipHex(hex: string, at = 0): string {
  const c = hex[at] === '0' ? '1' : '0';
  return hex.slice(0, at) + c + hex.slice(at + 1);
}

function flipString(s: string): string {
  const c = s.charCodeAt(s.length - 1) ^ 1;
  return s.slice(0, -1) + String.fromCharCode(c);
}

function failedCheck(proof: unknown, genesis: unknown = GENESIS_KEYS) {
  const result = verifyProof(proof, genesis);
  expect(result.ok).toBe(false);
  return result.failure;
}

describe('event proofs from a committed ledger', () => {
  it('verify for every accepted event of multi-transaction blocks', () => {
    for (const eventID of ledger.accepted) {
      const proof = proofOf(eventID);
      const result = verifyProof(proof, GENESIS_KEYS);
      expect(result, eventID).toEqual({ ok: true, verified: expect.any(Array), checks: expect.any(Array) });
      expect(proof.event.eventID).toBe(eventID);
      // The order the CLI and the console list checks by is the order the verifier runs them.
      expect(result.verified.map((l) => l.split(':')[0])).toEqual([
        'genesis',
        'format',
        'network',
        'block-hash',
        'member-chain',
        'certificate',
        'inclusion',
        'tx-id',
        'tx-signature',
        'event',
      ]);
      expect(CHECKS.event).toEqual(result.verified.map((l) => l.split(':')[0]));
      expect(result.checks.map((c) => `${c.check}: ${c.detail}`)).toEqual(result.verified);
      expect(result.checks.every((c) => c.status === 'passed')).toBe(true);
    }
    const last = proofOf('urn:uuid:e1');
    expect(last.inclusion).toMatchObject({ index: 4, count: 5 });
    expect(last.inclusion.path).toHaveLength(1); // promoted twice, one sibling at the top
  });

  it('carry the event exactly as GET /events/{eventID} serves it, with the block timestamp as recordTime', () => {
    const proof = proofOf('urn:uuid:c2');
    expect(proof.event).toEqual(ledger.store.getEvent('urn:uuid:c2')?.event);
    expect(proof.event.recordTime).toBe(new Date(proof.block.header.timestamp).toISOString());
    expect(proof.eventIndex).toBe(1);
  });

  it('are not served for unknown events, nor for duplicate-rejected copies; a verdict waits for the next block', () => {
    // f1 was rejected in block 2, the last: no block certifies its verdict yet.
    for (const id of ledger.rejected) {
      expect(() => ledger.proofs.event(id)).toThrow(expect.objectContaining({ code: 'NOT_READY' }));
    }
    expect(ledger.proofs.event('urn:uuid:nope')).toBeUndefined();
    // d1 was listed twice: the first copy was accepted, and the proof points at it.
    expect(proofOf('urn:uuid:d1').eventIndex).toBe(0);
  });

  it('serve only the signatures that count, though the stored certificate was padded', () => {
    const committed = ledger.store.getBlock(2);
    if (!committed) throw new Error('no block 2');
    expect(committed.certificate.signatures).toHaveLength(6);
    const padded = {
      hash: committed.hash,
      header: committed.block.header,
      certificate: committed.certificate,
    };
    const proof = proofOf('urn:uuid:g1');
    expect(failedCheck({ ...proof, block: padded })?.message).toBe('signature 4 (member org-0): duplicate');
    expect(verifyProof(proof, GENESIS_KEYS).ok).toBe(true);
    const summary = ledger.proofs.block(2);
    expect(summary?.certificate.signatures.map((s) => s.member)).toEqual([
      'org-0',
      'org-1',
      'org-2',
      'org-3',
    ]);
    expect(summary?.txIds).toEqual(committed.block.txs.map((t) => t.id));
    expect(summary?.header).toEqual(proof.block.header);
    expect(ledger.proofs.block(3)).toBeUndefined();
  });
});

describe('the worked example of docs/proofs.md', () => {
  const read = (name: string) =>
    JSON.parse(readFileSync(new URL(`../../../docs/proofs/${name}`, import.meta.url), 'utf8'));

  it('is what the ledger serves for urn:uuid:e1, and it verifies', () => {
    expect(read('example-genesis.json')).toEqual(GENESIS_KEYS);
    expect(read('example-proof.json')).toEqual(proofOf('urn:uuid:e1'));
    expect(verifyProof(read('example-proof.json'), read('example-genesis.json')).ok).toBe(true);
  });
});

describe('a tampered proof fails, naming the check', () => {
  const base = () => proofOf('urn:uuid:c2');

  it('event bytes, its index or its recordTime', () => {
    const p = base();
    p.event.eventTime = flipString(String(p.event.eventTime));
    expect(failedCheck(p)).toEqual({ check: 'event', message: expect.stringContaining('eventTime') });
    const q = base();
    q.event.recordTime = '2026-01-01T00:00:00.000Z';
    expect(failedCheck(q)?.check).toBe('event');
    const r = base();
    r.eventIndex = 0;
    expect(failedCheck(r)?.check).toBe('event');
    const s = base();
    s.event.extra = 1;
    expect(failedCheck(s)?.check).toBe('event');
  });

  it('every path sibling, the leaf index and the leaf count', () => {
    const { path } = base().inclusion;
    expect(path.length).toBeGreaterThan(1);
    path.forEach((_, i) => {
      const p = base();
      p.inclusion.path[i] = flipHex(p.inclusion.path[i] as string, 17);
      expect(failedCheck(p)?.check).toBe('inclusion');
    });
    const shorter = base();
    shorter.inclusion.path.pop();
    expect(failedCheck(shorter)?.check).toBe('inclusion');
    const moved = base();
    moved.inclusion.index = 3;
    expect(failedCheck(moved)?.check).toBe('inclusion');
    const counted = base();
    counted.inclusion.count = 6;
    expect(failedCheck(counted)?.check).toBe('inclusion');
  });

  it('every header field, and the block hash', () => {
    const header = base().block.header as Record<string, unknown>;
    for (const field of Object.keys(header)) {
      const p = base();
      const h = p.block.header as Record<string, unknown>;
      const v = h[field];
      const hex = /^[0-9a-f]{64}$/.test(String(v));
      h[field] = typeof v === 'number' ? v + 1 : hex ? flipHex(String(v), 9) : flipString(String(v));
      expect(failedCheck(p)?.check, field).toBe(field === 'network' ? 'network' : 'block-hash');
    }
    const p = base();
    p.block.hash = flipHex(p.block.hash, 40);
    expect(failedCheck(p)?.check).toBe('block-hash');
  });

  it('a forged header with its own hash: the certificate does not cover it', () => {
    const p = base();
    p.block.header.timestamp += 1;
    p.block.hash = headerHash(p.block.header as never);
    expect(failedCheck(p)).toEqual({
      check: 'certificate',
      message: expect.stringContaining('not this block'),
    });
    p.block.certificate.blockHash = p.block.hash;
    expect(failedCheck(p)).toEqual({
      check: 'certificate',
      message: expect.stringContaining('bad signature'),
    });
  });

  it('any signature byte, the round, or the height of the certificate', () => {
    for (let i = 0; i < 4; i++) {
      for (const at of [0, 63, 127]) {
        const p = base();
        const sig = p.block.certificate.signatures[i];
        if (!sig) throw new Error('missing signature');
        sig.signature = flipHex(sig.signature, at);
        expect(failedCheck(p)).toEqual({
          check: 'certificate',
          message: `signature ${i} (member org-${i}): bad signature`,
        });
      }
    }
    const round = base();
    round.block.certificate.round = 1;
    expect(failedCheck(round)?.check).toBe('certificate');
    const height = base();
    height.block.certificate.height = 2;
    expect(failedCheck(height)?.check).toBe('certificate');
  });

  it('signatures dropped below quorum, repeated, or substituted by a non-member', () => {
    const p = base();
    p.block.certificate.signatures.splice(0, 2);
    expect(failedCheck(p)).toEqual({
      check: 'certificate',
      message: '2 valid member signatures, quorum is 3',
    });
    // Every check of the kind is listed: those before the failure passed, those after it not run.
    expect(verifyProof(p, GENESIS_KEYS).checks.map((c) => `${c.check} ${c.status}`)).toEqual([
      'genesis passed',
      'format passed',
      'network passed',
      'block-hash passed',
      'member-chain passed',
      'certificate failed',
      'inclusion not-run',
      'tx-id not-run',
      'tx-signature not-run',
      'event not-run',
    ]);
    const q = base();
    expect(
      verifyProof(
        {
          ...q,
          block: {
            ...q.block,
            certificate: { ...q.block.certificate, signatures: q.block.certificate.signatures.slice(1) },
          },
        },
        GENESIS_KEYS,
      ).ok,
    ).toBe(true);
    const dup = base();
    const [first] = dup.block.certificate.signatures;
    dup.block.certificate.signatures.splice(2, 2, first as never);
    expect(failedCheck(dup)?.message).toBe('signature 2 (member org-0): duplicate');
    const bytes = voteBytes('precommit', NETWORK, 1, 0, base().block.hash);
    const rogue = base();
    rogue.block.certificate.signatures[3] = { member: 'rogue', signature: toHex(outsider.sign(bytes)) };
    expect(failedCheck(rogue)?.message).toBe('signature 3 (member rogue): not a member');
    const impostor = base();
    impostor.block.certificate.signatures[3] = { member: 'org-3', signature: toHex(outsider.sign(bytes)) };
    expect(failedCheck(impostor)?.message).toBe('signature 3 (member org-3): bad signature');
  });

  it('the transaction body, id or signature', () => {
    const body = base();
    (body.tx.body as Record<string, unknown>).submitter = 'someone-else';
    expect(failedCheck(body)?.check).toBe('tx-id');
    const doc = base();
    const list = (
      doc.tx.body as unknown as { document: { epcisBody: { eventList: Array<Record<string, unknown>> } } }
    ).document.epcisBody.eventList;
    (list[0] as Record<string, unknown>).action = 'DELETE';
    expect(failedCheck(doc)?.check).toBe('tx-id');
    const id = base();
    id.tx.id = flipHex(id.tx.id, 5);
    expect(failedCheck(id)?.check).toBe('inclusion');
    const sig = base();
    sig.tx.signature = flipHex(sig.tx.signature, 100);
    expect(failedCheck(sig)?.check).toBe('tx-signature');
    const bySomeoneElse = base();
    bySomeoneElse.tx.signature = toHex(
      (signers[0] as { sign(m: Uint8Array): Uint8Array }).sign(new Uint8Array(1)),
    );
    expect(failedCheck(bySomeoneElse)?.check).toBe('tx-signature');
  });

  it('any single byte of the proof as JSON text', () => {
    const text = JSON.stringify(base());
    let checked = 0;
    // Every 5th byte keeps the run short; the offsets still cover every section of the proof.
    for (let at = 0; at < text.length; at += 5) {
      const changed = text.slice(0, at) + String.fromCharCode(text.charCodeAt(at) ^ 1) + text.slice(at + 1);
      let proof: unknown;
      try {
        proof = JSON.parse(changed);
      } catch {
        continue;
      }
      checked++;
      expect(verifyProof(proof, GENESIS_KEYS).ok, `byte ${at}: ${text.slice(at - 20, at + 20)}`).toBe(false);
    }
    expect(checked).toBeGreaterThan(text.length / 6);
  });

  it('a proof for another network, another format or an unknown kind; a bad genesis file', () => {
    expect(failedCheck(base(), { ...GENESIS_KEYS, network: 'other-net' })?.check).toBe('network');
    expect(failedCheck({ ...base(), format: 'waybill-proof/v2' })?.check).toBe('format');
    expect(failedCheck({ ...base(), kind: 'teleport' })?.message).toContain('unknown proof kind');
    expect(failedCheck({ ...base(), inclusion: undefined })?.check).toBe('format');
    expect(failedCheck(null)?.check).toBe('format');
    expect(failedCheck(base(), { network: NETWORK, members: [] })?.check).toBe('genesis');
    expect(failedCheck(base(), { ...GENESIS_KEYS, members: GENESIS_KEYS.members.slice(0, 3) })?.message).toBe(
      'signature 3 (member org-3): not a member',
    );
  });
});

describe('the node and the verifier compute the same thing', () => {
  const leaf = (n: number) => toHex(nodeSha256(`leaf ${n}`));

  it('merkleProof over 1..33 leaves leads from every leaf to merkleRoot, and nowhere from elsewhere', () => {
    for (let n = 1; n <= 33; n++) {
      const leaves = Array.from({ length: n }, (_, i) => leaf(i));
      const root = merkleRoot(leaves);
      expect(merkleRootWith(sha256, leaves)).toBe(root);
      for (let i = 0; i < n; i++) {
        const path = merkleProof(leaves, i);
        expect(path.length).toBeLessThanOrEqual(Math.ceil(Math.log2(n)));
        expect(rootFromPathWith(sha256, leaves[i] as string, i, n, path), `${i} of ${n}`).toBe(root);
        expect(rootFromPathWith(sha256, leaf(n + 1), i, n, path)).not.toBe(root);
        if (n > 1) expect(rootFromPathWith(sha256, leaves[i] as string, (i + 1) % n, n, path)).not.toBe(root);
        expect(rootFromPathWith(sha256, leaves[i] as string, i, n, [...path, root])).toBeUndefined();
      }
    }
    expect(() => merkleProof([leaf(1)], 1)).toThrow(RangeError);
  });

  it('hashes JCS alike and accepts exactly the same Ed25519 signatures', () => {
    const value = { b: [1, 'é', { z: null, a: 1e21 }], a: -0.5 };
    expect(jcsHash(value)).toBe(hashOf(value));
    expect(toHex(sha256(canonicalBytes(value)))).toBe(hashOf(value));
    const message = new TextEncoder().encode('waybill');
    const signer = signers[1] as { publicKey: Uint8Array; sign(m: Uint8Array): Uint8Array };
    const signature = signer.sign(message);
    for (const [m, s] of [
      [message, signature],
      [new Uint8Array(7), signature],
      [message, signature.map((b, i) => (i === 40 ? b ^ 1 : b))],
      [message, new Uint8Array(64)],
    ] as const) {
      expect(ed25519Verify(signer.publicKey, m, s)).toBe(nodeVerify(signer.publicKey, m, s));
    }
    expect(ed25519Verify(signer.publicKey, message, signature)).toBe(true);
  });
});
