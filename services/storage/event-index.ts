import type Database from 'better-sqlite3';
import { bizStepWord, dispositionWord, idKey } from '../contracts/index.js';
import type { RoledIdentifier, TxResult } from '../execution/index.js';
import type { EpcisEvent } from '../ledger/index.js';
import { IndexReader } from './index-reader.js';
import { NamedQueries } from './named-queries.js';
import { Subscriptions } from './subscriptions.js';

/**
 * The read model behind GET /events and the trace: one row per accepted event with the fields the
 * EPCIS query filters on, and one row per (identifier, role, event). Written in the block's own
 * SQLite transaction, so the index never disagrees with the ledger. `seq` is the ledger order
 * (block, transaction, position): every sort ends with it, which makes pages stable.
 *
 * Index choice (1M events): every filter column has an index ending in seq, so one equality plus
 * the ledger order is a range scan; time ranges have (time, seq) indexes that also serve
 * orderBy and pagination; identifiers are looked up by (id_key, role) in the WITHOUT ROWID
 * table, and the trace walks event -> identifiers by (seq, role).
 */
export const EVENT_INDEX_SCHEMA = `
CREATE TABLE IF NOT EXISTS event_index (
  seq INTEGER PRIMARY KEY,
  event_id TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL,
  event_time INTEGER NOT NULL,
  record_time INTEGER NOT NULL,
  action TEXT,
  biz_step TEXT,
  disposition TEXT,
  read_point TEXT,
  biz_location TEXT,
  error_declaration INTEGER NOT NULL,
  height INTEGER NOT NULL,
  -- The transaction (txs.idx in the block) and the doc_events row that holds the event.
  tx_idx INTEGER NOT NULL,
  doc_event INTEGER NOT NULL,
  org TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS event_index_by_event_time ON event_index (event_time, seq);
CREATE INDEX IF NOT EXISTS event_index_by_record_time ON event_index (record_time, seq);
CREATE INDEX IF NOT EXISTS event_index_by_type ON event_index (type, seq);
CREATE INDEX IF NOT EXISTS event_index_by_biz_step ON event_index (biz_step, seq);
CREATE INDEX IF NOT EXISTS event_index_by_disposition ON event_index (disposition, seq);
CREATE INDEX IF NOT EXISTS event_index_by_read_point ON event_index (read_point, seq);
CREATE INDEX IF NOT EXISTS event_index_by_biz_location ON event_index (biz_location, seq);
CREATE TABLE IF NOT EXISTS event_ids (
  id_key TEXT NOT NULL,
  role TEXT NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY (id_key, role, seq)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS event_ids_by_seq ON event_ids (seq, role);
CREATE INDEX IF NOT EXISTS rejections_by_code ON rejections (code, height);
`;

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const idOf = (value: unknown): string | null => {
  const id = text((value as { id?: unknown } | undefined)?.id);
  return id === null ? null : idKey(id);
};

function timeOf(value: unknown): number {
  const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  return Number.isFinite(ms) ? ms : 0;
}

/** The index writer, its reader, the named queries and their subscriptions, over the ledger's own database. */
export class EventIndex {
  readonly reader: IndexReader;
  readonly namedQueries: NamedQueries;
  readonly subscriptions: Subscriptions;
  private readonly insertEvent: Database.Statement;
  private readonly insertId: Database.Statement;
  private readonly markDeclared: Database.Statement;

  constructor(db: Database.Database) {
    db.exec(EVENT_INDEX_SCHEMA);
    this.reader = new IndexReader(db);
    this.namedQueries = new NamedQueries(db);
    this.subscriptions = new Subscriptions(db);
    this.insertEvent = db.prepare(
      `INSERT INTO event_index (event_id, type, event_time, record_time, action, biz_step, disposition,
        read_point, biz_location, error_declaration, height, tx_idx, doc_event, org)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertId = db.prepare('INSERT OR IGNORE INTO event_ids (id_key, role, seq) VALUES (?, ?, ?)');
    this.markDeclared = db.prepare('UPDATE event_index SET error_declaration = 1 WHERE event_id = ?');
  }

  /**
   * Indexes a block's accepted events; called inside Store.commitBlock's transaction. `rows[t][k]`
   * is the doc_events row of `results[t].accepted[k]`.
   */
  indexBlock(height: number, results: readonly TxResult[], rows: readonly (readonly number[])[]): void {
    for (const [t, r] of results.entries()) {
      for (const [k, event] of r.accepted.entries()) {
        const row = rows[t]?.[k];
        if (row === undefined)
          throw new Error(`no doc_events row for accepted event ${k} of transaction ${t}`);
        const identifiers = r.indexed[k]?.identifiers;
        if (identifiers === undefined)
          throw new Error(`no identifiers for accepted event ${k} of transaction ${t}`);
        this.indexEvent(event, identifiers, height, { tx: t, row }, r.tx.body.org);
      }
      // An accepted error declaration marks the event it declares (execution/execute.ts).
      for (const declaration of r.declarations) this.markDeclared.run(declaration.eventID);
    }
  }

  private indexEvent(
    event: EpcisEvent,
    identifiers: readonly RoledIdentifier[],
    height: number,
    at: { tx: number; row: number },
    org: string,
  ): void {
    const bizStep = text(event.bizStep);
    const disposition = text(event.disposition);
    const { lastInsertRowid } = this.insertEvent.run(
      event.eventID,
      event.type,
      timeOf(event.eventTime),
      timeOf(event.recordTime),
      text(event.action),
      bizStep === null ? null : bizStepWord(bizStep),
      disposition === null ? null : dispositionWord(disposition),
      idOf(event.readPoint),
      idOf(event.bizLocation),
      0, // declared erroneous later, by markDeclared: accepted events never carry a declaration
      height,
      at.tx,
      at.row,
      org,
    );
    for (const [id, role] of identifiers) this.insertId.run(id, role, lastInsertRowid);
  }
}
