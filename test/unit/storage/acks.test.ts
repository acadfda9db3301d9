import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createSigner, generateSeed } from '../../../services/crypto/index.js';
import { executeBlock } from '../../../services/execution/index.js';
import {
  type Block,
  headerHash,
  signTx,
  type Transaction,
  txRootOf,
} from '../../../services/ledger/index.js';
import { restoreLedger, Store } from '../../../services/storage/index.js';
import { GENESIS_ROOTS, storeContext } from '../../support/ledger.js';

// Acknowledged transactions and sealed capture keys have a SQLite file of their own (acks.ts): a
// 202 never waits for the block writer thread, which holds the ledger's write lock for seconds.

const identity = { network: 'n', genesisHash: 'aa'.repeat(32), genesisTimestamp: 1_000 };
const signer = createSigner(generateSeed());
const dirs: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'waybill-acks-'));
  dirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function captureTx(eventID: string): Transaction {
  const eventList = [{ type: 'ObjectEvent', eventID, eventTime: '2026-01-01T00:00:00Z' }];
  const body = { kind: 'capture', network: 'n', org: 'a', submitter: 'erp', errorBehaviour: 'proceed' };
  return signTx({ ...body, document: { epcisBody: { eventList } } } as Parameters<typeof signTx>[0], signer);
}

function blockOf(height: number, parentHash: string, txs: Transaction[]): Block {
  const header = { network: 'n', height, view: 0, parentHash, txRoot: txRootOf(txs), txCount: txs.length };
  return { header: { ...header, proposer: 'a', timestamp: 2_000 + height, ...GENESIS_ROOTS }, txs };
}

/** Commits `block` through `store` as the block writer thread does, on a connection of its own. */
function commitOn(store: Store, block: Block) {
  const hash = headerHash(block.header);
  const certificate = { height: block.header.height, round: 0, blockHash: hash, signatures: [] };
  return store.commitBlock({ hash, block, certificate }, executeBlock(block, storeContext(store)));
}

const within = <T>(ms: number, p: Promise<T>) =>
  Promise.race([
    p,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`not within ${ms} ms`)), ms)),
  ]);

describe('the acknowledged file', () => {
  it("acknowledges (durably) while a block write holds the ledger's write lock", async () => {
    const dir = tempDir();
    const store = Store.open(dir, identity);
    // Another connection, as the block writer thread has, holding the ledger's write lock for
    // longer than SQLite's busy timeout (1 s), and the block write announced as the pipeline does.
    const writer = new Database(join(dir, 'ledger.sqlite'));
    writer.prepare('BEGIN IMMEDIATE').run();
    let done = () => {};
    store.blockWriting(new Promise<void>((resolve) => (done = resolve)));
    try {
      const tx = captureTx('e1');
      // Before, the write waited for the block (here: for ever); 2 s is past SQLite's busy timeout.
      await within(
        2_000,
        Promise.all([
          store.addPending(tx),
          store.addCaptureKey('k1', tx.id),
          store.addPending(captureTx('e2')),
        ]),
      );
      expect(store.pendingTxs().map((t) => t.id)).toContain(tx.id);
      expect(store.captureKey('k1')).toBe(tx.id);
      // Durable, not only in memory: another connection reads it from the file.
      const acks = new Database(join(dir, 'acks.sqlite'), { readonly: true });
      expect(acks.prepare('SELECT count(*) AS n FROM pending_txs').get()).toEqual({ n: 2 });
      acks.close();
    } finally {
      writer.prepare('ROLLBACK').run();
      writer.close();
      done();
      store.close();
    }
  }, 10_000);

  it("commits a block on the writer's connection while the acknowledged file is locked", () => {
    const dir = tempDir();
    const store = Store.open(dir, identity);
    const thread = Store.attach(dir, identity);
    const other = new Database(join(dir, 'acks.sqlite'), { timeout: 0 });
    other.prepare('BEGIN IMMEDIATE').run();
    try {
      // The block's transaction would fail at once (timeout 0 here, and busy) if it touched the file.
      expect(() => commitOn(thread, blockOf(1, identity.genesisHash, [captureTx('e1')]))).not.toThrow();
    } finally {
      other.prepare('ROLLBACK').run();
      other.close();
      thread.close();
      store.close();
    }
  });

  it('on restart drops the entries of transactions committed before a crash, keeps the others and every capture key', async () => {
    const dir = tempDir();
    const store = Store.open(dir, identity);
    const [committed, waiting] = [captureTx('c1'), captureTx('w1')];
    await Promise.all([
      store.addPending(committed),
      store.addPending(waiting),
      store.addCaptureKey('kc', committed.id),
      store.addCaptureKey('kw', waiting.id),
    ]);
    // The block writer thread commits `committed`; the node crashes before the main thread adopts
    // the block (and drops its pending entry).
    const thread = Store.attach(dir, identity);
    commitOn(thread, blockOf(1, identity.genesisHash, [committed]));
    thread.close();
    expect(store.pendingTxs().map((t) => t.id)).toEqual([committed.id, waiting.id]);
    store.close();

    const again = Store.open(dir, identity);
    expect(again.pendingTxs().map((t) => t.id)).toEqual([waiting.id]);
    expect(again.captureKey('kc')).toBe(committed.id);
    expect(again.captureKey('kw')).toBe(waiting.id);
    // Adopting the next block drops the rest, once committed; the keys stay findable for good.
    const thread2 = Store.attach(dir, identity);
    const block2 = blockOf(2, again.tip().hash, [waiting]);
    const { custody } = thread2.executeAndCommit(
      {
        hash: headerHash(block2.header),
        block: block2,
        certificate: { height: 2, round: 0, blockHash: headerHash(block2.header), signatures: [] },
      },
      () => executeBlock(block2, storeContext(thread2)),
    );
    thread2.close();
    again.adoptBlock(custody, [waiting.id]);
    expect(again.pendingTxs()).toEqual([]);
    again.close();
    const third = Store.open(dir, identity);
    expect(third.pendingTxs()).toEqual([]);
    expect(third.captureKey('kw')).toBe(waiting.id);
    third.close();
  });

  it('carries uncommitted acknowledged transactions and capture keys through backup and restore', async () => {
    const dir = tempDir();
    const store = Store.open(dir, identity);
    const [committed, waiting] = [captureTx('c1'), captureTx('w1')];
    await Promise.all([store.addPending(committed), store.addCaptureKey('kc', committed.id)]);
    commitOn(store, blockOf(1, identity.genesisHash, [committed]));
    await Promise.all([store.addPending(waiting), store.addCaptureKey('kw', waiting.id)]);
    const file = join(tempDir(), 'backup.sqlite');
    expect(await store.backup(file)).toBe(1);
    store.close();

    const restored = join(tempDir(), 'restored');
    expect(await restoreLedger(file, restored, identity)).toBe(1);
    const node = Store.open(restored, identity);
    expect(node.pendingTxs().map((t) => t.id)).toEqual([waiting.id]);
    expect(node.captureKey('kc')).toBe(committed.id);
    expect(node.captureKey('kw')).toBe(waiting.id);
    node.close();
    // Opening moved them into the acknowledged file and out of the ledger.
    const ledger = new Database(join(restored, 'ledger.sqlite'), { readonly: true });
    const tables = ledger
      .prepare("SELECT name FROM sqlite_master WHERE name IN ('pending_txs', 'capture_keys')")
      .all();
    ledger.close();
    expect(tables).toEqual([]);
    expect(existsSync(join(restored, 'acks.sqlite'))).toBe(true);
  });
});
