import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { queryBackend } from '../../../services/query/index.js';
import { Store } from '../../../services/storage/index.js';

// The block writer thread holds SQLite's write lock for as long as a block takes to write, which
// under load is longer than the main connection's busy timeout (1 s). A named-query or
// subscription write that met it failed with SQLITE_BUSY (a 500); it now waits for the block.
describe('named-query and subscription writes during a block write', () => {
  let dir: string;
  let store: Store;
  let writer: Database.Database;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'waybill-write-gate-'));
    store = Store.open(dir, { network: 'n', genesisHash: 'aa'.repeat(32), genesisTimestamp: 0 });
    // Another connection, as the block writer thread has, holding the write lock.
    writer = new Database(join(dir, 'ledger.sqlite'));
    writer.prepare('BEGIN IMMEDIATE').run();
  });
  afterEach(() => {
    if (writer.inTransaction) writer.prepare('ROLLBACK').run();
    writer.close();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A block write of 1.5 s, announced as the commit pipeline announces it. */
  const blockWrite = () =>
    store.blockWriting(
      new Promise<void>((resolve) =>
        setTimeout(() => {
          writer.prepare('COMMIT').run();
          resolve();
        }, 1_500),
      ),
    );

  const query = { name: 'shipments', params: { EQ_bizStep: 'shipping' }, createdBy: 'erp', createdAt: 0 };

  it('waits for the block and then stores the write', async () => {
    const backend = queryBackend(
      store.index,
      () => [],
      undefined,
      (write) => store.whenNoBlockWrite(write),
    );
    blockWrite();
    await expect(backend.namedQueries.add(query)).resolves.toBe(true);
    const sub = {
      id: 's1',
      queryName: 'shipments',
      dest: 'https://erp.example.com/cb',
      secret: undefined,
      createdByOrg: 'org-a',
      createdBy: 'erp',
      createdAt: 0,
    };
    blockWrite();
    writer.prepare('BEGIN IMMEDIATE').run();
    await expect(backend.subscriptions.add(sub)).resolves.toMatchObject({ id: 's1' });
    blockWrite();
    writer.prepare('BEGIN IMMEDIATE').run();
    await expect(backend.namedQueries.remove('shipments')).resolves.toBe(true);
  }, 15_000);

  it('fails with SQLITE_BUSY without the gate (what the API did)', async () => {
    const backend = queryBackend(store.index);
    blockWrite();
    await expect(backend.namedQueries.add(query)).rejects.toThrow(/locked|busy/i);
  }, 15_000);
});
