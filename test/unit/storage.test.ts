import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createSigner, generateSeed } from '../../services/crypto/index.js';
import { executeBlock } from '../../services/execution/index.js';
import { type Block, headerHash, signTx, txRootOf } from '../../services/ledger/index.js';
import { Store } from '../../services/storage/index.js';
import { GENESIS_ROOTS, storeContext } from '../support/ledger.js';

const identity = { network: 'n', genesisHash: 'aa'.repeat(32), genesisTimestamp: 1_000 };
const signer = createSigner(generateSeed());
const dirs: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'waybill-store-'));
  dirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function blockWith(height: number, parentHash: string, eventIDs: string[]): Block {
  const eventList = eventIDs.map((eventID) => ({
    type: 'ObjectEvent',
    eventID,
    eventTime: '2026-01-01T00:00:00Z',
  }));
  const txs = [
    signTx(
      {
        kind: 'capture',
        network: 'n',
        org: 'a',
        submitter: 'erp',
        errorBehaviour: 'proceed',
        document: { epcisBody: { eventList } },
      },
      signer,
    ),
  ];
  return {
    header: {
      network: 'n',
      height,
      view: 0,
      parentHash,
      txRoot: txRootOf(txs),
      txCount: 1,
      proposer: 'a',
      timestamp: 2_000 + height,
      ...GENESIS_ROOTS,
    },
    txs,
  };
}

const cert = (height: number, blockHash: string) => ({ height, round: 0, blockHash, signatures: [] });

describe('SQLite store', () => {
  it('starts at the genesis tip and commits a block with its events, rejections and tx results', () => {
    const dir = tempDir();
    const store = Store.open(dir, identity);
    expect(store.tip()).toEqual({ height: 0, hash: identity.genesisHash, timestamp: 1_000 });
    const block = blockWith(1, identity.genesisHash, ['e1', 'e1']);
    const hash = headerHash(block.header);
    const tx = block.txs[0];
    if (!tx) throw new Error('no tx');
    store.addPending(tx);
    store.commitBlock({ hash, block, certificate: cert(1, hash) }, executeBlock(block, storeContext(store)));
    expect(store.tip()).toEqual({ height: 1, hash, timestamp: 2_001 });
    expect(store.getEvent('e1')?.event.recordTime).toBe(new Date(2_001).toISOString());
    expect(store.lastRejection('e1')?.code).toBe('DUPLICATE_EVENT_ID');
    expect(store.getTx(tx.id)).toMatchObject({ height: 1, blockHash: hash, success: false });
    expect(store.pendingTxs()).toEqual([]);
    expect(store.getBlock(1)).toEqual({ hash, block, certificate: cert(1, hash) });
    store.close();
  });

  it('keeps everything across a reopen, including consensus state and pending captures', () => {
    const dir = tempDir();
    const store = Store.open(dir, identity);
    const block = blockWith(1, identity.genesisHash, ['x']);
    const pending = blockWith(2, 'bb', ['y']).txs[0];
    if (!pending) throw new Error('no tx');
    store.addPending(pending);
    const state = {
      height: 2,
      round: 1,
      step: 'prevote' as const,
      lockedRound: -1,
      lockedBlock: null,
      validRound: -1,
      validBlock: null,
      sent: [],
    };
    store.saveConsensusState(state);
    const hash = headerHash(block.header);
    store.commitBlock({ hash, block, certificate: cert(1, hash) }, executeBlock(block, storeContext(store)));
    store.close();
    const again = Store.open(dir, identity);
    expect(again.tip().height).toBe(1);
    expect(again.loadConsensusState()).toEqual(state);
    expect(again.pendingTxs().map((t) => t.id)).toEqual([pending.id]);
    again.close();
  });

  it('rolls the whole block back when any part of it fails', () => {
    const store = Store.open(tempDir(), identity);
    const block = blockWith(1, identity.genesisHash, ['z']);
    const hash = headerHash(block.header);
    const results = executeBlock(block, storeContext(store));
    store.commitBlock({ hash, block, certificate: cert(1, hash) }, results);
    // A second block that repeats the first one's transaction: the block row goes in, then the
    // transaction insert fails, and nothing of the second block may remain.
    const again: Block = { ...block, header: { ...block.header, height: 2, parentHash: hash } };
    const hash2 = headerHash(again.header);
    expect(() =>
      store.commitBlock({ hash: hash2, block: again, certificate: cert(2, hash2) }, results),
    ).toThrow();
    expect(store.tip().hash).toBe(hash);
    expect(store.getBlock(2)).toBeUndefined();
    store.close();
  });

  it('refuses a data directory that belongs to another genesis', () => {
    const dir = tempDir();
    Store.open(dir, identity).close();
    expect(() => Store.open(dir, { ...identity, genesisHash: 'cc'.repeat(32) })).toThrow(/another genesis/);
  });

  it('refuses a ledger of schema version 2 (events stored twice), saying how to start afresh', () => {
    const dir = tempDir();
    Store.open(dir, identity).close();
    const db = new Database(join(dir, 'ledger.sqlite'));
    db.prepare("UPDATE meta SET value = '2' WHERE key = 'schemaVersion'").run();
    db.close();
    expect(() => Store.open(dir, identity)).toThrow(
      /holds a ledger of schema version 2; this node writes version 3 .*start a new network/,
    );
  });
});

describe('one node per data directory', () => {
  it('refuses a second store on a data directory that is open', () => {
    const dir = tempDir();
    const first = Store.open(dir, identity);
    expect(() => Store.open(dir, identity)).toThrow(/in use by another node process/);
    first.close();
    Store.open(dir, identity).close();
  });
});
