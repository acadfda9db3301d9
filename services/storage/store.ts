import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ErrorCode, WaybillError } from '../common/errors.js';
import type { ChainTip, PersistedState } from '../consensus/types.js';
import { type EvidenceEntry, submitterOf, type TxResult } from '../execution/index.js';
import type {
  Block,
  BlockHeader,
  CommitCertificate,
  CommittedBlock,
  EpcisEvent,
  Transaction,
} from '../ledger/index.js';
import { EventIndex } from './event-index.js';
import { SCHEMA, SCHEMA_VERSION } from './schema.js';

export interface StoredTx {
  tx: Transaction;
  height: number;
  blockHash: string;
  success: boolean;
  errors: TxResult['errors'];
}

export interface StoredRejection {
  eventID: string;
  txId: string;
  height: number;
  code: string;
  message: string;
}

/** Evidence as committed: the entry plus where it was committed. */
export interface StoredEvidence extends EvidenceEntry {
  txId: string;
  blockHeight: number;
}

export interface StoreIdentity {
  network: string;
  genesisHash: string;
  genesisTimestamp: number;
}

type Statements = ReturnType<typeof prepare>;

function prepare(db: Database.Database) {
  return {
    tip: db.prepare<[], { height: number; hash: string; header: string }>(
      'SELECT height, hash, header FROM blocks ORDER BY height DESC LIMIT 1',
    ),
    block: db.prepare<[number], { hash: string; header: string; certificate: string }>(
      'SELECT hash, header, certificate FROM blocks WHERE height = ?',
    ),
    blockTxs: db.prepare<[number], { id: string; body: string; signature: string }>(
      'SELECT id, body, signature FROM txs WHERE height = ? ORDER BY idx',
    ),
    tx: db.prepare<
      [string],
      { body: string; signature: string; height: number; success: number; errors: string }
    >('SELECT body, signature, height, success, errors FROM txs WHERE id = ?'),
    hasTx: db.prepare<[string], { one: number }>('SELECT 1 AS one FROM txs WHERE id = ?'),
    event: db.prepare<[string], { body: string; tx_id: string; height: number }>(
      'SELECT body, tx_id, height FROM events WHERE event_id = ?',
    ),
    hasEvent: db.prepare<[string], { one: number }>('SELECT 1 AS one FROM events WHERE event_id = ?'),
    lastRejection: db.prepare<[string], { tx_id: string; height: number; code: string; message: string }>(
      'SELECT tx_id, height, code, message FROM rejections WHERE event_id = ? ORDER BY height DESC LIMIT 1',
    ),
    insertBlock: db.prepare('INSERT INTO blocks (height, hash, header, certificate) VALUES (?, ?, ?, ?)'),
    insertTx: db.prepare(
      'INSERT INTO txs (id, height, idx, org, submitter, body, signature, success, errors) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    insertEvent: db.prepare('INSERT INTO events (event_id, tx_id, height, body) VALUES (?, ?, ?, ?)'),
    insertRejection: db.prepare(
      'INSERT OR REPLACE INTO rejections (event_id, tx_id, height, code, message) VALUES (?, ?, ?, ?, ?)',
    ),
    hasEvidence: db.prepare<[string], { one: number }>('SELECT 1 AS one FROM evidence WHERE id = ?'),
    insertEvidence: db.prepare(
      'INSERT INTO evidence (id, kind, member, height, round, reported_by, tx_id, block_height, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    evidence: db.prepare<
      [],
      {
        id: string;
        kind: string;
        member: string;
        height: number;
        round: number;
        reported_by: string;
        tx_id: string;
        block_height: number;
        body: string;
      }
    >('SELECT * FROM evidence ORDER BY block_height, rowid'),
    getState: db.prepare<[], { state: string }>('SELECT state FROM consensus_state WHERE id = 1'),
    putState: db.prepare('INSERT OR REPLACE INTO consensus_state (id, state) VALUES (1, ?)'),
    pending: db.prepare<[], { tx: string }>('SELECT tx FROM pending_txs ORDER BY seq'),
    addPending: db.prepare(
      'INSERT OR IGNORE INTO pending_txs (id, tx, seq) VALUES (?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM pending_txs))',
    ),
    deletePending: db.prepare('DELETE FROM pending_txs WHERE id = ?'),
    meta: db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
    putMeta: db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)'),
  };
}

/**
 * One node's ledger in SQLite. WAL with synchronous=FULL: a committed transaction is on disk
 * before the call returns, which is what lets consensus state be persisted before sending.
 */
export class Store {
  private readonly db: Database.Database;
  private readonly q: Statements;
  private readonly identity: StoreIdentity;
  /** Query index, trace and named queries (event-index.ts). */
  readonly index: EventIndex;

  private constructor(db: Database.Database, identity: StoreIdentity) {
    this.db = db;
    this.q = prepare(db);
    this.identity = identity;
    this.index = new EventIndex(db);
  }

  static open(dataDir: string, identity: StoreIdentity): Store {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const db = new Database(join(dataDir, 'ledger.sqlite'), { timeout: 1_000 });
    try {
      // One process per data directory: two nodes on one ledger (and one key) could sign twice.
      db.pragma('locking_mode = EXCLUSIVE');
      db.pragma('journal_mode = WAL');
      db.exec('BEGIN IMMEDIATE; COMMIT;');
    } catch (err) {
      db.close();
      if ((err as { code?: string }).code !== 'SQLITE_BUSY') throw err;
      throw new WaybillError(
        ErrorCode.DataDirInUse,
        `data directory ${dataDir} is in use by another node process`,
      );
    }
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.exec(SCHEMA);
    const store = new Store(db, identity);
    store.checkIdentity();
    return store;
  }

  /** Refuses a data directory that belongs to another network or genesis. */
  private checkIdentity(): void {
    const found = this.q.meta.get('genesisHash')?.value;
    if (found === undefined) {
      this.q.putMeta.run('genesisHash', this.identity.genesisHash);
      this.q.putMeta.run('network', this.identity.network);
      this.q.putMeta.run('schemaVersion', String(SCHEMA_VERSION));
      return;
    }
    if (found !== this.identity.genesisHash) {
      this.db.close();
      throw new WaybillError(
        ErrorCode.StorageCorrupt,
        `data directory belongs to another genesis (${found.slice(0, 12)}…); point dataDir elsewhere or remove it`,
      );
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  tip(): ChainTip {
    const row = this.q.tip.get();
    if (!row)
      return { height: 0, hash: this.identity.genesisHash, timestamp: this.identity.genesisTimestamp };
    const header = JSON.parse(row.header) as BlockHeader;
    return { height: row.height, hash: row.hash, timestamp: header.timestamp };
  }

  getBlock(height: number): CommittedBlock | undefined {
    const row = this.q.block.get(height);
    if (!row) return undefined;
    const txs = this.q.blockTxs
      .all(height)
      .map((t): Transaction => ({ id: t.id, body: JSON.parse(t.body), signature: t.signature }));
    const block: Block = { header: JSON.parse(row.header), txs };
    return { hash: row.hash, block, certificate: JSON.parse(row.certificate) as CommitCertificate };
  }

  hasTx(id: string): boolean {
    return this.q.hasTx.get(id) !== undefined;
  }

  getTx(id: string): StoredTx | undefined {
    const row = this.q.tx.get(id);
    if (!row) return undefined;
    const blockHash = this.q.block.get(row.height)?.hash ?? '';
    return {
      tx: { id, body: JSON.parse(row.body), signature: row.signature },
      height: row.height,
      blockHash,
      success: row.success === 1,
      errors: JSON.parse(row.errors),
    };
  }

  hasEvent(eventID: string): boolean {
    return this.q.hasEvent.get(eventID) !== undefined;
  }

  getEvent(eventID: string): { event: EpcisEvent; txId: string; height: number } | undefined {
    const row = this.q.event.get(eventID);
    return row && { event: JSON.parse(row.body) as EpcisEvent, txId: row.tx_id, height: row.height };
  }

  lastRejection(eventID: string): StoredRejection | undefined {
    const row = this.q.lastRejection.get(eventID);
    return row && { eventID, txId: row.tx_id, height: row.height, code: row.code, message: row.message };
  }

  hasEvidence(id: string): boolean {
    return this.q.hasEvidence.get(id) !== undefined;
  }

  listEvidence(): StoredEvidence[] {
    return this.q.evidence.all().map((r) => ({
      id: r.id,
      kind: r.kind as StoredEvidence['kind'],
      member: r.member,
      height: r.height,
      round: r.round,
      reportedBy: r.reported_by,
      txId: r.tx_id,
      blockHeight: r.block_height,
      evidence: JSON.parse(r.body),
    }));
  }

  /** A block, its transactions and every event verdict, in one SQLite transaction. */
  commitBlock(committed: CommittedBlock, results: readonly TxResult[]): void {
    const { block, hash, certificate } = committed;
    const height = block.header.height;
    this.db.transaction(() => {
      this.q.insertBlock.run(height, hash, JSON.stringify(block.header), JSON.stringify(certificate));
      results.forEach((r, idx) => {
        const { tx } = r;
        this.q.insertTx.run(
          tx.id,
          height,
          idx,
          tx.body.org,
          submitterOf(tx),
          JSON.stringify(tx.body),
          tx.signature,
          r.success ? 1 : 0,
          JSON.stringify(r.errors),
        );
        for (const event of r.accepted)
          this.q.insertEvent.run(event.eventID, tx.id, height, JSON.stringify(event));
        for (const v of r.rejected) {
          this.q.insertRejection.run(v.eventID, tx.id, height, v.code ?? 'REJECTED', v.message ?? '');
        }
        const e = r.evidence;
        if (e) {
          this.q.insertEvidence.run(
            e.id,
            e.kind,
            e.member,
            e.height,
            e.round,
            e.reportedBy,
            tx.id,
            height,
            JSON.stringify(e.evidence),
          );
        }
        this.q.deletePending.run(tx.id);
      });
      this.index.indexBlock(height, results);
    })();
  }

  loadConsensusState(): PersistedState | null {
    const row = this.q.getState.get();
    return row ? (JSON.parse(row.state) as PersistedState) : null;
  }

  saveConsensusState(state: PersistedState): void {
    this.q.putState.run(JSON.stringify(state));
  }

  /** Transactions this node acknowledged (202) and has not yet seen committed. */
  pendingTxs(): Transaction[] {
    return this.q.pending.all().map((r) => JSON.parse(r.tx) as Transaction);
  }

  addPending(tx: Transaction): void {
    this.q.addPending.run(tx.id, JSON.stringify(tx));
  }
}
