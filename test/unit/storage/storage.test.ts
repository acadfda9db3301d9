import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { PersistedState, Proposal, Vote } from '../../../services/consensus/index.js';
import { createSigner, generateSeed } from '../../../services/crypto/index.js';
import { executeBlock } from '../../../services/execution/index.js';
import { type Block, headerHash, signTx, txRootOf } from '../../../services/ledger/index.js';
import { Store } from '../../../services/storage/index.js';
import { GENESIS_ROOTS, storeContext } from '../../support/ledger.js';

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

/**
 * What the core persists at `height`: locked on the first block, the second one valid, and the
 * own proposal of the first block in round 0 and of the second in round 1, with a vote between.
 */
function consensusState(height: number, [locked, valid]: Block[]): PersistedState {
  if (!locked || !valid) throw new Error('two blocks expected');
  const proposal = (round: number, block: Block): Proposal => ({
    type: 'proposal',
    height,
    round,
    block,
    validRound: round - 1,
    proposer: 'a',
    signature: `sig-${round}`,
  });
  const vote: Vote = {
    type: 'prevote',
    height,
    round: 0,
    blockHash: headerHash(locked.header),
    voter: 'a',
    signature: 'sig-vote',
  };
  return {
    height,
    round: 1,
    step: 'precommit',
    lockedRound: 0,
    lockedBlock: locked,
    validRound: 1,
    validBlock: valid,
    sent: [proposal(0, locked), vote, proposal(1, valid)],
  };
}

const walBytes = (dir: string) => statSync(join(dir, 'ledger.sqlite-wal')).size;

/** The candidate blocks on disk, read from the closed store's file. */
function candidateHeights(dir: string): number[] {
  const db = new Database(join(dir, 'ledger.sqlite'), { readonly: true });
  try {
    return db
      .prepare<[], { height: number }>('SELECT height FROM consensus_blocks ORDER BY height')
      .all()
      .map((r) => r.height);
  } finally {
    db.close();
  }
}

describe('SQLite store', () => {
  it('starts at the genesis tip and commits a block with its events, rejections and tx results', async () => {
    const dir = tempDir();
    const store = Store.open(dir, identity);
    expect(store.tip()).toEqual({ height: 0, hash: identity.genesisHash, timestamp: 1_000 });
    const block = blockWith(1, identity.genesisHash, ['e1', 'e1']);
    const hash = headerHash(block.header);
    const tx = block.txs[0];
    if (!tx) throw new Error('no tx');
    await store.addPending(tx);
    expect(store.pendingTxs().map((t) => t.id)).toEqual([tx.id]);
    store.commitBlock({ hash, block, certificate: cert(1, hash) }, executeBlock(block, storeContext(store)));
    expect(store.tip()).toEqual({ height: 1, hash, timestamp: 2_001 });
    expect(store.getEvent('e1')?.event.recordTime).toBe(new Date(2_001).toISOString());
    expect(store.lastRejection('e1')?.code).toBe('DUPLICATE_EVENT_ID');
    expect(store.getTx(tx.id)).toMatchObject({ height: 1, blockHash: hash, success: false });
    expect(store.pendingTxs()).toEqual([]);
    expect(store.getBlock(1)).toEqual({ hash, block, certificate: cert(1, hash) });
    store.close();
  });

  it('keeps everything across a reopen, including consensus state and pending captures', async () => {
    const dir = tempDir();
    const store = Store.open(dir, identity);
    const block = blockWith(1, identity.genesisHash, ['x']);
    const pending = blockWith(2, 'bb', ['y']).txs[0];
    if (!pending) throw new Error('no tx');
    await store.addPending(pending);
    const hash = headerHash(block.header);
    const candidate = blockWith(2, hash, ['c1', 'c2']);
    const state = consensusState(2, [candidate, blockWith(2, hash, ['c3'])]);
    store.saveConsensusState(state);
    store.commitBlock({ hash, block, certificate: cert(1, hash) }, executeBlock(block, storeContext(store)));
    store.close();
    const again = Store.open(dir, identity);
    expect(again.tip().height).toBe(1);
    expect(again.loadConsensusState()).toEqual(state);
    expect(again.pendingTxs().map((t) => t.id)).toEqual([pending.id]);
    again.close();
  });

  it('writes a candidate block once however often the consensus state refers to it', () => {
    const dir = tempDir();
    const store = Store.open(dir, identity);
    const ids = Array.from(
      { length: 2_000 },
      (_, i) => `urn:uuid:00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    );
    const big = blockWith(1, identity.genesisHash, ids);
    const blockBytes = JSON.stringify(big).length;
    const first = walBytes(dir);
    const state = consensusState(1, [big, big]);
    store.saveConsensusState(state);
    const second = walBytes(dir);
    // The block goes to disk once in the first persist (the measure can see it)...
    expect(second - first).toBeGreaterThan(blockBytes);
    // ...and never again: the next persists, at further steps of the height, write the state row.
    for (const step of ['prevote', 'precommit'] as const) store.saveConsensusState({ ...state, step });
    expect(walBytes(dir) - second).toBeLessThan(blockBytes / 4);
    store.close();
    const again = Store.open(dir, identity);
    expect(again.loadConsensusState()).toEqual({ ...state, step: 'precommit' });
    again.close();
    expect(candidateHeights(dir)).toEqual([1]);
  });

  it('deletes candidate blocks once the consensus state has moved past their height', () => {
    const dir = tempDir();
    const store = Store.open(dir, identity);
    const block = blockWith(1, identity.genesisHash, ['p']);
    store.saveConsensusState(consensusState(1, [block, blockWith(1, identity.genesisHash, ['q'])]));
    const hash = headerHash(block.header);
    store.commitBlock({ hash, block, certificate: cert(1, hash) }, executeBlock(block, storeContext(store)));
    // Right after the commit the state still refers to height 1's blocks, and still loads.
    expect(store.loadConsensusState()?.height).toBe(1);
    const next = consensusState(2, [blockWith(2, hash, ['r']), blockWith(2, hash, ['s'])]);
    store.saveConsensusState(next);
    store.close();
    expect(candidateHeights(dir)).toEqual([2, 2]);
    const again = Store.open(dir, identity);
    expect(again.loadConsensusState()).toEqual(next);
    again.close();
  });

  it('writes the captures of one event-loop turn together, and tells each caller when they are on disk', async () => {
    const dir = tempDir();
    const store = Store.open(dir, identity);
    const txs = ['p1', 'p2', 'p3'].flatMap((id) => blockWith(1, identity.genesisHash, [id]).txs);
    const writes = txs.map((tx) => store.addPending(tx));
    expect(new Set(writes).size).toBe(1);
    const first = txs[0];
    if (!first) throw new Error('no tx');
    // A client's retry of a capture that is not on disk yet waits for the same write.
    expect(store.pendingWrite(first.id)).toBe(writes[0]);
    await Promise.all(writes);
    expect(store.pendingWrite(first.id)).toBeUndefined();
    store.close();
    const again = Store.open(dir, identity);
    expect(again.pendingTxs().map((t) => t.id)).toEqual(txs.map((t) => t.id));
    again.close();
  });

  it('writes waiting captures before it closes', () => {
    const dir = tempDir();
    const store = Store.open(dir, identity);
    const tx = blockWith(1, identity.genesisHash, ['q']).txs[0];
    if (!tx) throw new Error('no tx');
    void store.addPending(tx);
    store.close();
    const again = Store.open(dir, identity);
    expect(again.pendingTxs().map((t) => t.id)).toEqual([tx.id]);
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

  it('refuses a ledger of a newer schema version, saying to run the newer node', () => {
    const dir = tempDir();
    Store.open(dir, identity).close();
    const db = new Database(join(dir, 'ledger.sqlite'));
    db.prepare("UPDATE meta SET value = '6' WHERE key = 'schemaVersion'").run();
    db.close();
    expect(() => Store.open(dir, identity)).toThrow(
      /schema version 6, written by a newer Waybill; .*run the newer node/,
    );
  });

  it('refuses a ledger of schema version 2 (events stored twice), saying how to start afresh', () => {
    const dir = tempDir();
    Store.open(dir, identity).close();
    const db = new Database(join(dir, 'ledger.sqlite'));
    db.prepare("UPDATE meta SET value = '2' WHERE key = 'schemaVersion'").run();
    db.close();
    expect(() => Store.open(dir, identity)).toThrow(
      /holds a ledger of schema version 2; this node writes version 5 .*start a new network/,
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

  it('gives a read snapshot that a block committed on another connection (the block writer thread) does not change', () => {
    const dir = tempDir();
    const store = Store.open(dir, identity);
    const writer = Store.attach(dir, identity);
    const block = blockWith(1, identity.genesisHash, ['e1']);
    const hash = headerHash(block.header);
    const seen = store.readSnapshot(() => {
      const before = store.tip().height;
      writer.commitBlock(
        { hash, block, certificate: cert(1, hash) },
        executeBlock(block, storeContext(writer)),
      );
      return [before, store.tip().height, store.getEvent('e1') === undefined];
    });
    expect(seen).toEqual([0, 0, true]);
    // Outside a snapshot each read sees the last commit of either connection.
    expect(store.tip().height).toBe(1);
    expect(store.getEvent('e1')).toBeDefined();
    writer.close();
    store.close();
  });
});
