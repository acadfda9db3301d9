import { describe, expect, it } from 'vitest';
import type { Decision } from '../../services/consensus/index.js';
import type { Signer } from '../../services/crypto/index.js';
import {
  type Block,
  blockIsWellFormed,
  type CaptureTxBody,
  signTx,
  type Transaction,
  txRootOf,
} from '../../services/ledger/index.js';
import {
  block,
  GENESIS,
  Harness,
  hashOfBlock,
  id,
  logged,
  NETWORK,
  ofType,
  proposal,
  signers,
  vote,
} from './helpers.js';

// The header (hence the block hash and every signature over it) commits to transaction ids only;
// these tests check that a copy of a block whose bodies do not hash to their ids is never committed.

const body: CaptureTxBody = {
  kind: 'capture',
  network: NETWORK,
  org: id(0),
  submitter: 'erp',
  errorBehaviour: 'rollback',
  document: { type: 'EPCISDocument', marker: 'genuine' },
};
const tx = signTx(body, signers[0] as Signer);
/** The same id and signature with another body: what a faulty proposer or sync peer could send. */
const swapped: Transaction = { ...tx, body: { ...body, submitter: 'mallory' } };

const genuine: Block = withTxs(block(GENESIS, 0), [tx]);
const forged: Block = { header: genuine.header, txs: [swapped] };
const hash = hashOfBlock(genuine);

function withTxs(b: Block, txs: Transaction[]): Block {
  return { header: { ...b.header, txCount: txs.length, txRoot: txRootOf(txs) }, txs };
}

function decision(b: Block, voters = [1, 2, 3]): Decision {
  const signatures = voters.map((v) => ({
    member: id(v),
    signature: vote(v, 'precommit', 1, 0, hash).signature,
  }));
  return { type: 'decision', block: b, certificate: { height: 1, round: 0, blockHash: hash, signatures } };
}

describe('transaction bodies bound to their ids', () => {
  it('a block is well formed only when every body hashes to its id', () => {
    expect(hashOfBlock(forged)).toBe(hash); // same header, same hash: only the bodies tell them apart
    expect(blockIsWellFormed(genuine)).toBe(true);
    expect(blockIsWellFormed(forged)).toBe(false);
  });

  it('a transaction object whose body was replaced after a check is hashed again', () => {
    const copy: Transaction = { ...tx };
    expect(blockIsWellFormed({ header: genuine.header, txs: [copy] })).toBe(true);
    copy.body = swapped.body;
    expect(blockIsWellFormed({ header: genuine.header, txs: [copy] })).toBe(false);
  });

  it('refuses a certified decision that carries another body, and commits the genuine one', () => {
    const h = new Harness(0);
    h.start();
    const refused = h.receive(decision(forged));
    expect(ofType('commit', refused)).toEqual([]);
    expect(logged('invalid_decision', refused)).toBe(true);
    const out = h.receive(decision(genuine));
    expect(ofType('commit', out)).toEqual([expect.objectContaining({ hash, block: genuine })]);
  });

  it('does not commit a copy with another body on 2f+1 precommits, even if the app let it through', () => {
    // validateBlock says yes to everything here, so only the core's own check stands in the way.
    const h = new Harness(0);
    h.startRound0();
    h.receive(proposal(1, forged, 0));
    let out = h.receive(vote(1, 'precommit', 1, 0, hash));
    out = out.concat(h.receive(vote(2, 'precommit', 1, 0, hash)));
    out = out.concat(h.receive(vote(3, 'precommit', 1, 0, hash)));
    expect(ofType('commit', out)).toEqual([]);
    expect(logged('quorum_for_invalid_block', out)).toBe(true);
    // The genuine block then arrives by catch-up and is committed.
    expect(ofType('commit', h.receive(decision(genuine)))).toEqual([
      expect.objectContaining({ hash, block: genuine }),
    ]);
  });
});
