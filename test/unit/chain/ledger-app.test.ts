import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LedgerApp, RuleRegistry } from '../../../services/chain/index.js';
import { toHex } from '../../../services/common/index.js';
import { DEFAULT_CONSENSUS, type Genesis } from '../../../services/config/index.js';
import type { ConsensusMessage, Proposal } from '../../../services/consensus/index.js';
import { createSigner, generateSeed } from '../../../services/crypto/index.js';
import { type CaptureTxBody, type Transaction, txCost } from '../../../services/ledger/index.js';
import { Mempool } from '../../../services/mempool/index.js';
import { Store } from '../../../services/storage/index.js';
import { commissioningDocument } from '../../support/documents.js';
import { firstBlock, RULE_FILES } from '../../support/ledger.js';

const signers = { grower: createSigner(generateSeed()), packer: createSigner(generateSeed()) };
const member = (id: keyof typeof signers) => ({
  id,
  name: id,
  parties: [],
  locations: [],
  publicKey: toHex(signers[id].publicKey),
  peerId: 'unused',
  jwtIssuerKey: { kty: 'OKP' as const, crv: 'Ed25519' as const, x: 'unused' },
  host: '127.0.0.1',
  apiPort: 1,
  p2pPort: 2,
});
const genesis: Genesis = {
  network: 'n',
  timestamp: 0,
  members: [member('grower'), member('packer')],
  consensus: { ...DEFAULT_CONSENSUS, maxBlockTxs: 3, censorshipTimeoutMs: 1_000 },
  rules: RULE_FILES,
};

const packerBlock = (txs: Transaction[]) => firstBlock(txs, 'packer', 1, genesis.members);
const rulesOf = (store: Store) => new RuleRegistry(store, RULE_FILES, genesis.members, 2);

describe('ledger application', () => {
  let dir: string;
  let store: Store;
  let app: LedgerApp;
  let mempool: Mempool;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'waybill-app-'));
    store = Store.open(dir, { network: 'n', genesisHash: 'aa', genesisTimestamp: 0 });
    mempool = new Mempool({ maxTxs: 100, maxBytes: 1e8 });
    app = new LedgerApp({
      genesis,
      self: 'grower',
      store,
      mempool,
      signer: signers.grower,
      rules: rulesOf(store),
      clock: Date.now,
    });
  });
  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('accepts its own signed captures and refuses a known id paired with another body or signature', () => {
    const { tx } = app.submit(commissioningDocument(2), { submitter: 'erp', errorBehaviour: 'rollback' });
    expect(app.validateBlock(packerBlock([tx]))).toBe(true);
    expect(app.validateBlock(packerBlock([{ ...tx, body: { ...tx.body, org: 'packer' } }]))).toBe(false);
    expect(app.validateBlock(packerBlock([{ ...tx, signature: '00'.repeat(64) }]))).toBe(false);
    expect(app.validateBlock(packerBlock([tx, tx]))).toBe(false);
  });

  it('refuses a capture signed by a key that is not the named org', () => {
    const other = new LedgerApp({
      genesis,
      self: 'grower',
      store,
      mempool: new Mempool({ maxTxs: 9, maxBytes: 1e8 }),
      signer: signers.packer,
      rules: rulesOf(store),
      clock: Date.now,
    });
    const { tx } = other.submit(commissioningDocument(1), { submitter: 'erp', errorBehaviour: 'rollback' });
    expect(app.checkTx(tx)).toBe(false);
  });

  it('suspects censorship when a proposal leaves out an own capture pending past the timeout', () => {
    const { tx } = app.submit(commissioningDocument(1), { submitter: 'erp', errorBehaviour: 'rollback' });
    const late = Date.now() + 5_000;
    expect(app.acceptProposal(packerBlock([]), Date.now())).toBe(true); // not overdue yet
    expect(app.acceptProposal(packerBlock([]), late)).toBe(false);
    expect(app.acceptProposal(packerBlock([tx]), late)).toBe(true);
    const full = [1, 2, 3].map(
      () => app.submit(commissioningDocument(1), { submitter: 'x', errorBehaviour: 'rollback' }).tx,
    );
    expect(app.acceptProposal(packerBlock(full), late)).toBe(true); // no room: not censorship
  });

  it('bounds its blocks by execution cost, and refuses a proposal over the genesis cost limit', () => {
    // Two 3-event commissioning captures fit (1 + 3 × 2 = 7 each), a third does not.
    const costly = new LedgerApp({
      genesis: { ...genesis, consensus: { ...genesis.consensus, maxBlockTxs: 100, maxBlockCost: 15 } },
      self: 'grower',
      store,
      mempool: new Mempool({ maxTxs: 100, maxBytes: 1e8 }),
      signer: signers.grower,
      rules: rulesOf(store),
      clock: Date.now,
    });
    const txs = [1, 2, 3].map(
      () => costly.submit(commissioningDocument(3), { submitter: 'erp', errorBehaviour: 'rollback' }).tx,
    );
    expect(txs.map(txCost)).toEqual([7, 7, 7]);
    const built = costly.buildBlock(1, 0, '00', 1, Date.now());
    expect(built.txs.map((t) => t.id)).toEqual(txs.slice(0, 2).map((t) => t.id));
    expect(costly.validateBlock(built)).toBe(true);
    // A peer's block: valid under the limit, invalid over it, valid over it with one transaction.
    expect(costly.validateBlock(packerBlock(txs.slice(0, 2)))).toBe(true);
    expect(costly.validateBlock(packerBlock(txs))).toBe(false);
    const big = costly.submit(commissioningDocument(10), { submitter: 'erp', errorBehaviour: 'rollback' }).tx;
    expect(txCost(big)).toBe(21);
    expect(costly.validateBlock(packerBlock([big]))).toBe(true);
    // Not censorship: the block had no room by cost for the capture it left out.
    const late = Date.now() + 5_000;
    expect(costly.acceptProposal(packerBlock(txs.slice(0, 2)), late)).toBe(true);
    expect(costly.acceptProposal(packerBlock(txs.slice(0, 1)), late)).toBe(false);
  });

  it('judges a proposal by the verified mempool copy of a transaction with the same id and signature', () => {
    const { tx } = app.submit(commissioningDocument(1), { submitter: 'erp', errorBehaviour: 'rollback' });
    const propose = (txs: Transaction[]): Proposal => ({
      type: 'proposal',
      height: 1,
      round: 0,
      block: packerBlock(txs),
      validRound: -1,
      proposer: 'packer',
      signature: '',
    });
    const blockOf = (m: ConsensusMessage) => (m.type === 'proposal' ? m.block : packerBlock([]));
    // The same transaction as it travels (a fresh object) and a copy with another body.
    const travelled = JSON.parse(JSON.stringify(tx)) as Transaction;
    const swapped: Transaction = {
      ...travelled,
      body: { ...(tx.body as CaptureTxBody), submitter: 'mallory' },
    };
    expect(app.validateBlock(packerBlock([swapped]))).toBe(false);

    for (const copy of [travelled, swapped]) {
      const adopted = blockOf(app.adoptKnownTxs(propose([copy])));
      expect(adopted.txs[0]).toBe(tx); // the object this node signed, body and all
      expect(adopted.header).toEqual(packerBlock([tx]).header); // same block, same hash
      expect(app.validateBlock(adopted)).toBe(true);
    }
    // Another signature is not the mempool's transaction: the copy is judged as it came.
    const resigned = { ...swapped, signature: '00'.repeat(64) };
    const kept = blockOf(app.adoptKnownTxs(propose([resigned])));
    expect(kept.txs[0]).toBe(resigned);
    expect(app.validateBlock(kept)).toBe(false);
  });

  it('sizes gossiped transactions by their share of the message that carried them', () => {
    const peer = new LedgerApp({
      genesis,
      self: 'packer',
      store,
      mempool: new Mempool({ maxTxs: 9, maxBytes: 1e8 }),
      signer: signers.packer,
      rules: rulesOf(store),
      clock: Date.now,
    });
    const one = peer.submit(commissioningDocument(1), { submitter: 'erp', errorBehaviour: 'rollback' }).tx;
    const two = peer.submit(commissioningDocument(1), { submitter: 'erp', errorBehaviour: 'rollback' }).tx;
    const wire = JSON.stringify({ txs: [one] }).length;
    expect(app.receive([one], wire)).toEqual([one]);
    expect(mempool.bytesOf(one.id)).toBe(wire);
    expect(app.receive([two, one], 10_000)).toEqual([two]); // a batch of two: half each
    expect(mempool.bytesOf(two.id)).toBe(5_000);
  });

  it('captures the valid events of a proceed document and reports the invalid ones, all or nothing under rollback', () => {
    const doc = commissioningDocument(3);
    const [first, bad, third] = doc.epcisBody.eventList;
    if (!first || !bad || !third) throw new Error('three events');
    bad.epcList = ['https://id.gs1.org/01/09506000134353/21/1']; // wrong check digit
    expect(() => app.submit(doc, { submitter: 'erp', errorBehaviour: 'rollback' })).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED' }),
    );

    const proceed = { submitter: 'erp', errorBehaviour: 'proceed' as const };
    const { tx, fresh } = app.submit(doc, proceed);
    expect(fresh).toBe(true);
    const body = tx.body as CaptureTxBody;
    const events = (body.document.epcisBody as { eventList: { eventID: string }[] }).eventList;
    expect(events.map((e) => e.eventID)).toEqual([first.eventID, third.eventID]);
    // The left-out event's reason is part of the signed body: every node reports the same job.
    expect(body.invalid).toEqual([
      {
        index: 1,
        eventID: bad.eventID,
        field: '/epcisBody/eventList/1/epcList/0',
        code: 'IDENTIFIER_CHECK_DIGIT',
        message: expect.stringContaining('check digit'),
      },
    ]);
    expect(app.validateBlock(packerBlock([tx]))).toBe(true);
    // A retry of the same document is the same capture.
    const retry = app.submit(structuredClone(doc), proceed);
    expect(retry.tx.id).toBe(tx.id);
    expect(retry.fresh).toBe(false);

    const result = app.dryRun(doc, proceed, 1_000);
    expect(result.success).toBe(false);
    expect(result.verdicts.map((v) => v.accepted)).toEqual([true, true]);
    expect(result.errors).toEqual([
      expect.objectContaining({
        eventID: bad.eventID,
        field: '/epcisBody/eventList/1/epcList/0',
        code: 'IDENTIFIER_CHECK_DIGIT',
      }),
    ]);
  });
});
