import type Database from 'better-sqlite3';
import type { Alert } from '../contracts/index.js';
import type { IdRole } from '../execution/index.js';
import type { EpcisEvent } from '../ledger/index.js';
import { type EventPage, type EventPageRequest, eventPage } from './event-query.js';
import { SERVED_EVENT_COLUMNS, SERVED_EVENT_JOIN, type ServedEventRow, servedEvent } from './served-event.js';

/** An indexed event as the trace needs it: ledger position, who captured it, and the body. */
export interface TracedEvent {
  seq: number;
  eventID: string;
  org: string;
  height: number;
  event: EpcisEvent;
  /** Canonical identifiers the event names, by role. */
  ids: Array<{ key: string; role: IdRole }>;
}

export interface RejectionRow {
  eventID: string;
  txId: string;
  blockHeight: number;
  code: string;
  message: string;
  org: string;
  /** rowid, the tie-break of the page order. */
  seq: number;
}

export interface CaptureRow {
  captureID: string;
  blockHeight: number;
  idx: number;
  success: boolean;
  errorBehaviour: 'rollback' | 'proceed';
  errors: Array<{ eventID?: string; code: string; message: string }>;
}

/** The EPCIS REST binding's vocabulary collections (GET /bizSteps, /epcs, ...), over indexed values. */
export type VocabularyKind = 'epcs' | 'bizSteps' | 'bizLocations' | 'readPoints' | 'dispositions';

// Each lists only values of events the member receives (`?` after `value >`: the member's org).
const VISIBLE = (seq: string) =>
  `EXISTS (SELECT 1 FROM event_recipients v WHERE v.org = ? AND v.seq = ${seq})`;
// A term-valued column's distinct values a member sees, as text, in order: the values visible
// events hold (one walk of the column's index, as DISTINCT over text was), then their terms.
const termsOf = (column: string) =>
  `SELECT t.term AS value FROM terms t WHERE t.term > ? AND t.id IN
    (SELECT DISTINCT i.${column} FROM event_index i WHERE i.${column} IS NOT NULL AND ${VISIBLE('i.seq')})
    ORDER BY t.term LIMIT ?`;
const VOCABULARY_SQL: Record<VocabularyKind, string> = {
  // Object roles only (epc, parent, child, input, output): classes are not EPCs. Terms in order
  // from the cursor, each kept if a visible event names it so: a page stops after `limit` values.
  epcs: `SELECT t.term AS value FROM terms t WHERE t.term > ? AND EXISTS (SELECT 1 FROM event_ids x
    WHERE x.term = t.id AND x.role IN ('epc', 'parent', 'child', 'input', 'output') AND ${VISIBLE('x.seq')})
    ORDER BY t.term LIMIT ?`,
  bizSteps: termsOf('biz_step'),
  bizLocations: termsOf('biz_location'),
  readPoints: termsOf('read_point'),
  dispositions: termsOf('disposition'),
};

/** Position in a newest-first list of committed rows. */
export interface ListCursor {
  height: number;
  seq: number;
}

// Rejected events and capture jobs are the capturing member's own: only its org lists them.
const REJECTION_COLUMNS = `SELECT r.rowid AS seq, r.event_id AS eventID, r.tx_id AS txId,
  r.height AS blockHeight, r.code, r.message, t.org FROM rejections r JOIN txs t ON t.id = r.tx_id
  WHERE t.org = @org AND`;

function prepare(db: Database.Database) {
  return {
    eventTypes: db.prepare<[string], { type: string }>(
      `SELECT t.term AS type FROM terms t
       WHERE t.id IN (SELECT DISTINCT i.type FROM event_index i WHERE ${VISIBLE('i.seq')}) ORDER BY t.term`,
    ),
    seqOf: db.prepare<[string], { seq: number }>('SELECT seq FROM event_index WHERE event_id = ?'),
    receives: db.prepare<[string, number], { one: number }>(
      'SELECT 1 AS one FROM event_recipients WHERE org = ? AND seq = ?',
    ),
    receivedAmong: db.prepare<[string, string], { seq: number }>(
      'SELECT seq FROM event_recipients WHERE org = ? AND seq IN (SELECT value FROM json_each(?))',
    ),
    heldAmong: db.prepare<[string, string], { id_key: string }>(
      'SELECT id_key FROM object_holders WHERE org = ? AND id_key IN (SELECT value FROM json_each(?))',
    ),
    receivesNaming: db.prepare<[string, string], { one: number }>(
      `SELECT 1 AS one FROM event_ids x WHERE x.term = (SELECT id FROM terms WHERE term = ?)
       AND ${VISIBLE('x.seq')} LIMIT 1`,
    ),
    alerts: db.prepare<[number, string, number], { body: string }>(
      `SELECT a.body FROM custody_alerts a WHERE a.seq > ? AND EXISTS (SELECT 1 FROM event_index i
         JOIN event_recipients v ON v.seq = i.seq AND v.org = ? WHERE i.event_id = json_extract(a.body, '$.eventID'))
       ORDER BY a.seq LIMIT ?`,
    ),
    touching: db.prepare<[string], { seq: number }>(
      'SELECT seq FROM event_ids WHERE term = (SELECT id FROM terms WHERE term = ?)',
    ),
    ids: db.prepare<[number], { id_key: string; role: IdRole }>(
      'SELECT t.term AS id_key, x.role FROM event_ids x JOIN terms t ON t.id = x.term WHERE x.seq = ?',
    ),
    event: db.prepare<[number], ServedEventRow & { event_id: string; org: string; height: number }>(
      `SELECT i.event_id, i.org, i.height, ${SERVED_EVENT_COLUMNS} FROM event_index i ${SERVED_EVENT_JOIN}
       WHERE i.seq = ?`,
    ),
    recipients: db.prepare<[string], { org: string }>(
      `SELECT r.org FROM event_index i JOIN event_recipients r ON r.seq = i.seq
       WHERE i.event_id = ? ORDER BY r.org`,
    ),
    rejections: db.prepare<{ org: string; height: number; seq: number; limit: number }, RejectionRow>(
      `${REJECTION_COLUMNS} (r.height, r.rowid) < (@height, @seq)
       ORDER BY r.height DESC, r.rowid DESC LIMIT @limit`,
    ),
    // A separate statement, so the filter by code uses rejections_by_code (code, height, rowid).
    rejectionsWithCode: db.prepare<
      { org: string; code: string; height: number; seq: number; limit: number },
      RejectionRow
    >(
      `${REJECTION_COLUMNS} r.code = @code AND (r.height, r.rowid) < (@height, @seq)
       ORDER BY r.height DESC, r.rowid DESC LIMIT @limit`,
    ),
    captures: db.prepare<
      { org: string; height: number; idx: number; limit: number },
      { id: string; height: number; idx: number; success: number; errors: string; behaviour: string }
    >(
      `SELECT id, height, idx, success, errors, json_extract(body, '$.errorBehaviour') AS behaviour FROM txs
       WHERE (height, idx) < (@height, @idx) AND org = @org AND json_extract(body, '$.kind') = 'capture'
       ORDER BY height DESC, idx DESC LIMIT @limit`,
    ),
  };
}

/** Read side of the event index: query pages, trace steps and the audit lists. */
export class IndexReader {
  private readonly q: ReturnType<typeof prepare>;
  private readonly vocabularies: Record<
    VocabularyKind,
    Database.Statement<[string, string, number], { value: string }>
  >;

  constructor(private readonly db: Database.Database) {
    this.q = prepare(db);
    this.vocabularies = Object.fromEntries(
      Object.entries(VOCABULARY_SQL).map(([kind, sql]) => [kind, db.prepare(sql)]),
    ) as never;
  }

  /** Distinct values of a vocabulary the events `org` receives use, in order, after `after`. */
  vocabulary(org: string, kind: VocabularyKind, limit: number, after: string): string[] {
    return this.vocabularies[kind].all(after, org, limit).map((r) => r.value);
  }

  events(req: EventPageRequest): EventPage {
    return eventPage(this.db, req);
  }

  /** Event types of the events `org` receives. */
  eventTypes(org: string): string[] {
    return this.q.eventTypes.all(org).map((r) => r.type);
  }

  /** Ledger position of a committed event. */
  seqOf(eventID: string): number | undefined {
    return this.q.seqOf.get(eventID)?.seq;
  }

  /** Whether `org` is a recipient of the event at `seq`. */
  receives(org: string, seq: number): boolean {
    return this.q.receives.get(org, seq) !== undefined;
  }

  /** Which of `seqs` `org` receives. */
  receivedAmong(org: string, seqs: readonly number[]): Set<number> {
    if (seqs.length === 0) return new Set();
    return new Set(this.q.receivedAmong.all(org, JSON.stringify(seqs)).map((r) => r.seq));
  }

  /** Which of `keys` (canonical ids) `org` has ever owned, held or been consignee of. */
  heldAmong(org: string, keys: readonly string[]): Set<string> {
    if (keys.length === 0) return new Set();
    return new Set(this.q.heldAmong.all(org, JSON.stringify(keys)).map((r) => r.id_key));
  }

  /** Whether `org` receives any event naming `key` in any role. */
  receivesNaming(org: string, key: string): boolean {
    return this.q.receivesNaming.get(key, org) !== undefined;
  }

  /** Cold-chain alerts raised by events `org` receives, oldest first, after seq `after`. */
  alerts(org: string, after: number, limit: number): Alert[] {
    return this.q.alerts.all(after, org, limit).map((r) => JSON.parse(r.body) as Alert);
  }

  /** Ledger positions of the events that name `key` in any role. */
  eventsNaming(key: string): number[] {
    return this.q.touching.all(key).map((r) => r.seq);
  }

  /**
   * The committed event at `seq`. `view: 'public'` gives a sealed event's public view even where
   * this node holds its sealed fields (for a caller that sees the event only through its lineage);
   * in an open network both views are the event as captured.
   */
  event(seq: number, view: 'whole' | 'public' = 'whole'): TracedEvent | undefined {
    const found = this.q.event.get(seq);
    const row = found && view === 'public' ? { ...found, sealed: null } : found;
    if (!row) return undefined;
    const ids = this.q.ids.all(seq).map((r) => ({ key: r.id_key, role: r.role }));
    return {
      seq,
      eventID: row.event_id,
      org: row.org,
      height: row.height,
      event: servedEvent(row),
      ids,
    };
  }

  /** The members that see a committed event whole (event_recipients), sorted; [] for an unknown event. */
  recipients(eventID: string): string[] {
    return this.q.recipients.all(eventID).map((r) => r.org);
  }

  /** `org`'s rejected events, newest first; `after` continues a previous page. */
  rejections(org: string, code: string | undefined, limit: number, after?: ListCursor): RejectionRow[] {
    const start = after ?? { height: Number.MAX_SAFE_INTEGER, seq: Number.MAX_SAFE_INTEGER };
    return code === undefined
      ? this.q.rejections.all({ org, ...start, limit })
      : this.q.rejectionsWithCode.all({ org, code, ...start, limit });
  }

  /** `org`'s committed capture transactions, newest first. */
  captures(org: string, limit: number, after?: ListCursor): CaptureRow[] {
    const start = after ?? { height: Number.MAX_SAFE_INTEGER, seq: Number.MAX_SAFE_INTEGER };
    return this.q.captures.all({ org, height: start.height, idx: start.seq, limit }).map((r) => ({
      captureID: r.id,
      blockHeight: r.height,
      idx: r.idx,
      success: r.success === 1,
      errorBehaviour: r.behaviour === 'proceed' ? 'proceed' : 'rollback',
      errors: JSON.parse(r.errors),
    }));
  }
}
