import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Transaction } from '../ledger/index.js';
import { type CaptureKey, PendingLog } from './pending-log.js';

/** Beside the ledger in a data directory: what this node acknowledged (Store.open). */
export const ACKS_FILE = 'acks.sqlite';

/**
 * The tables a ledger held before they had a file of their own; a backup carries them in the
 * ledger's copy under the same names (Store.backup), so restore stays one copy of one file.
 */
export const ACK_SCHEMA = `
-- This node's transactions acknowledged (202) and not yet seen committed, in acknowledgement order.
CREATE TABLE IF NOT EXISTS pending_txs (id TEXT PRIMARY KEY, tx TEXT NOT NULL, seq INTEGER NOT NULL);
-- sha256(JCS(plaintext capture body)) -> the sealed transaction it became at this node, kept for
-- good: a retry after the commit must still find it.
CREATE TABLE IF NOT EXISTS capture_keys (key TEXT PRIMARY KEY, tx_id TEXT NOT NULL);
`;

const ADD_PENDING =
  'INSERT OR IGNORE INTO pending_txs (id, tx, seq) VALUES (?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM pending_txs))';
const ADD_KEY = 'INSERT OR IGNORE INTO capture_keys (key, tx_id) VALUES (?, ?)';

/**
 * A node's acknowledged transactions and sealed capture keys, in a SQLite file of their own beside
 * the ledger (docs/architecture.md, "Acknowledged captures"). The ledger's write lock is held by
 * the block writer thread for seconds under load; a 202 that needs a durable write must not wait
 * for it, so these writes go to a file whose only connection is the main thread's and whose lock
 * nothing else ever takes. WAL with synchronous=FULL: on disk when the write returns.
 */
export class AckStore {
  private readonly q;
  /** Group commit of a turn's acknowledgements (pending-log.ts). */
  readonly log: PendingLog;
  /** Backups running (`holdingDrops`), and the drops they hold back. */
  private holds = 0;
  private held: string[] = [];

  private constructor(
    private readonly db: Database.Database,
    committed: (id: string) => boolean,
  ) {
    this.log = new PendingLog((txs, keys) => this.write(txs, keys, committed));
    this.q = {
      addPending: db.prepare(ADD_PENDING),
      addKey: db.prepare(ADD_KEY),
      pending: db.prepare<[], { id: string; tx: string }>('SELECT id, tx FROM pending_txs ORDER BY seq'),
      drop: db.prepare('DELETE FROM pending_txs WHERE id = ?'),
      captureKey: db.prepare<[string], { tx_id: string }>('SELECT tx_id FROM capture_keys WHERE key = ?'),
    };
  }

  /**
   * Opens the file of `ledger`'s data directory (before the block writer thread attaches: the
   * ledger's old tables are dropped here); `committed` tells whether the ledger holds a transaction.
   */
  static open(dataDir: string, ledger: Database.Database, committed: (id: string) => boolean): AckStore {
    const db = new Database(join(dataDir, ACKS_FILE), { timeout: 1_000 });
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.exec(ACK_SCHEMA);
    } catch (err) {
      db.close();
      throw err;
    }
    const acks = new AckStore(db, committed);
    try {
      acks.adoptFrom(ledger);
      acks.dropCommitted(committed);
    } catch (err) {
      db.close();
      throw err;
    }
    return acks;
  }

  /** Writes what still waits for its write, then closes the file. */
  close(): void {
    if (!this.db.open) return;
    this.log.flush();
    this.db.close();
  }

  /** One durable write (one fsync) of a turn's acknowledged transactions and capture keys. */
  private write(
    txs: readonly Transaction[],
    keys: readonly CaptureKey[],
    committed: (id: string) => boolean,
  ): void {
    this.db.transaction(() => {
      // One already committed needs no remembering.
      for (const tx of txs) if (!committed(tx.id)) this.q.addPending.run(tx.id, JSON.stringify(tx));
      for (const [key, txId] of keys) this.q.addKey.run(key, txId);
    })();
  }

  pending(): Transaction[] {
    return this.q.pending.all().map((r) => JSON.parse(r.tx) as Transaction);
  }

  /** Forgets transactions the ledger holds committed; their capture keys stay. */
  drop(ids: readonly string[]): void {
    if (this.holds > 0) {
      this.held.push(...ids);
      return;
    }
    if (ids.length === 0) return;
    this.db.transaction(() => {
      for (const id of ids) this.q.drop.run(id);
    })();
  }

  /**
   * On opening: drops what committed while its pending entry was still here (a crash between a
   * block's commit and the drop that follows it on the main thread); the rest goes to the mempool.
   */
  private dropCommitted(committed: (id: string) => boolean): void {
    this.drop(this.q.pending.all().flatMap((r) => (committed(r.id) ? [r.id] : [])));
  }

  captureKey(key: string): string | undefined {
    return this.q.captureKey.get(key)?.tx_id;
  }

  /**
   * Moves acknowledged entries a ledger holds into this file, then drops the ledger's tables: a
   * restored backup carries them there (Store.backup), and a data directory written before this
   * file existed kept them there. Inserted before they are dropped, so a crash in between only
   * repeats the move (INSERT OR IGNORE).
   */
  private adoptFrom(ledger: Database.Database): void {
    const has = ledger.prepare<[string], { one: number }>(
      "SELECT 1 AS one FROM sqlite_master WHERE type = 'table' AND name = ?",
    );
    const pending = has.get('pending_txs') !== undefined;
    const keys = has.get('capture_keys') !== undefined;
    if (!pending && !keys) return;
    this.db.transaction(() => {
      if (pending) {
        const rows = ledger.prepare<[], { id: string; tx: string }>(
          'SELECT id, tx FROM pending_txs ORDER BY seq',
        );
        for (const r of rows.iterate()) this.q.addPending.run(r.id, r.tx);
      }
      if (keys) {
        const rows = ledger.prepare<[], { key: string; tx_id: string }>(
          'SELECT key, tx_id FROM capture_keys',
        );
        for (const r of rows.iterate()) this.q.addKey.run(r.key, r.tx_id);
      }
    })();
    ledger.exec('DROP TABLE IF EXISTS pending_txs; DROP TABLE IF EXISTS capture_keys;');
  }

  /**
   * Runs `backup` with drops held back until it settles: a pending entry dropped while the ledger
   * is copied, for a block committed after the copy's state, would be in neither the copy nor
   * the entries written into it afterwards (`copyInto`).
   */
  async holdingDrops<T>(backup: () => Promise<T>): Promise<T> {
    this.holds++;
    try {
      return await backup();
    } finally {
      if (--this.holds === 0) this.drop(this.held.splice(0));
    }
  }

  /** Writes every entry into `copy` (a backup of the ledger) under the ledger's old table names. */
  copyInto(copy: Database.Database): void {
    this.log.flush();
    copy.exec(ACK_SCHEMA);
    const addPending = copy.prepare(ADD_PENDING);
    const addKey = copy.prepare(ADD_KEY);
    copy.transaction(() => {
      for (const r of this.q.pending.iterate()) addPending.run(r.id, r.tx);
      const keys = this.db.prepare<[], { key: string; tx_id: string }>('SELECT key, tx_id FROM capture_keys');
      for (const r of keys.iterate()) addKey.run(r.key, r.tx_id);
    })();
  }
}
