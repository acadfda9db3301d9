import type Database from 'better-sqlite3';
import type { IdRole } from '../execution/index.js';
import type { EpcisEvent } from '../ledger/index.js';
import { SERVED_EVENT_COLUMNS, SERVED_EVENT_JOIN, type ServedEventRow, servedEvent } from './served-event.js';

/** A time range in ms since the epoch: GE_ inclusive, LT_ exclusive. */
export interface TimeRange {
  ge?: number;
  lt?: number;
}

/**
 * An identifier condition: the event names, in any of `roles`, any of `keys` (canonical) or any
 * key starting with one of `prefixes` (EPC patterns).
 */
export interface IdCondition {
  keys: string[];
  prefixes: string[];
  roles: IdRole[];
  /** Set by eventPage: the prefixes match so many identifiers that scanning in order is cheaper. */
  dense?: boolean;
}

/** The filters of an EPCIS simple event query, already canonical; lists mean "any of". */
export interface EventFilter {
  /**
   * Only events this member receives (event_recipients): the caller's org joined into the query
   * itself (FasTnT's mandatory predicate), so limits, counts and pages cover only what it may see.
   */
  visibleTo?: string;
  eventType?: string[];
  eventTime?: TimeRange;
  recordTime?: TimeRange;
  action?: string[];
  bizStep?: string[];
  disposition?: string[];
  readPoint?: string[];
  bizLocation?: string[];
  eventID?: string[];
  /** Every condition must hold. */
  ids?: IdCondition[];
  errorDeclaration?: boolean;
  /** WD_readPoint / WD_bizLocation: these locations or any beneath them in master data (canonical). */
  within?: { readPoint?: string[]; bizLocation?: string[] };
  /** EQ_ATTR_<field>_<attr>: the field's master data has the attribute with one of the values. */
  attributes?: Array<{ field: 'readPoint' | 'bizLocation'; attr: string; values: string[] }>;
  /**
   * Conditions on fields the index has no column for (quantities, sensor data, extensions, ...):
   * tested on each candidate the indexed conditions select, in sort order, so pages stay exact.
   */
  predicates?: Array<(event: EpcisEvent) => boolean>;
}

/** `ledger` is block, transaction, position order. */
export type OrderField = 'ledger' | 'eventTime' | 'recordTime';

/** The last row of a page: its sort value and its ledger position. */
export interface Cursor {
  value: number;
  seq: number;
}

export interface EventPageRequest {
  filter: EventFilter;
  orderBy: OrderField;
  descending: boolean;
  limit: number;
  after?: Cursor;
  /**
   * Bytes of stored event JSON one page may hold: the page ends before the event that would pass
   * it (it always holds at least one event), and `next` continues right after the last one served.
   * Without it a page is bounded by `limit` only.
   */
  maxBytes?: number;
}

export interface EventPage {
  events: EpcisEvent[];
  /** Set when more events match. */
  next?: Cursor;
}

const COLUMN: Record<OrderField, string> = {
  ledger: 'i.seq',
  eventTime: 'i.event_time',
  recordTime: 'i.record_time',
};

const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ');

type Clauses = { sql: string[]; params: unknown[] };

// Block timestamps strictly increase (consensus/validation.ts), so a recordTime range is exactly a
// range of ledger positions. Bounding seq instead of record_time keeps the planner on seq (the
// ledger order) or on another filter's index, rather than sorting half the ledger. ORDER BY ...
// LIMIT 1 rather than MIN(seq): MIN would walk the ledger in seq order testing record_time.
function recordTimeBounds(out: Clauses, r: TimeRange | undefined): void {
  if (r?.ge !== undefined) {
    out.sql.push(
      'i.seq >= (SELECT seq FROM event_index WHERE record_time >= ? ORDER BY record_time, seq LIMIT 1)',
    );
    out.params.push(r.ge);
  }
  if (r?.lt !== undefined) {
    out.sql.push(
      'i.seq <= (SELECT seq FROM event_index WHERE record_time < ? ORDER BY record_time DESC, seq DESC LIMIT 1)',
    );
    out.params.push(r.lt);
  }
}

/**
 * An EPC pattern matching many objects: test each event in sort order (event_ids_by_seq) and stop
 * after a page, instead of collecting every match first.
 */
function denseIdCondition(out: Clauses, c: IdCondition): void {
  const keys = c.keys.length > 0 ? [`t.term IN (${marks(c.keys.length)})`] : [];
  const ranges = c.prefixes.map(() => '(t.term >= ? AND t.term < ?)');
  out.sql.push(
    `EXISTS (SELECT 1 FROM event_ids x JOIN terms t ON t.id = x.term WHERE x.seq = i.seq
      AND x.role IN (${marks(c.roles.length)}) AND (${[...keys, ...ranges].join(' OR ')}))`,
  );
  out.params.push(...c.roles, ...c.keys, ...c.prefixes.flatMap((p) => [p, `${p.slice(0, -1)}0`]));
}

/** Events naming any key, or any key under a prefix, in any role: primary-key searches of event_ids. */
function idCondition(out: Clauses, c: IdCondition, terms: TermIds): void {
  if (c.dense) {
    denseIdCondition(out, c);
    return;
  }
  const roles = `role IN (${marks(c.roles.length)})`;
  const parts: string[] = [];
  if (c.keys.length > 0) {
    parts.push(`SELECT seq FROM event_ids WHERE term IN (${marks(c.keys.length)}) AND ${roles}`);
    out.params.push(...terms(c.keys), ...c.roles);
  }
  for (const prefix of c.prefixes) {
    // A key range; prefixes end in '/', and '0' is the character after it.
    parts.push(`SELECT seq FROM event_ids WHERE term IN (${termIds('>= ? AND term < ?')}) AND ${roles}`);
    out.params.push(prefix, `${prefix.slice(0, -1)}0`, ...c.roles);
  }
  out.sql.push(`i.seq IN (${parts.join(' UNION ALL ')})`);
}

/** The ids of the terms whose text meets `condition` (SQL after `term `), a subquery. */
const termIds = (condition: string) => `SELECT id FROM terms WHERE term ${condition}`;

/**
 * The term id of each text (event-index.ts), 0 (no term) for a text never indexed. Filters bind
 * ids, not a subquery: `biz_step IN (?)` with one value reads (biz_step, seq) in ledger order and
 * stops after a page, where `biz_step IN (SELECT ...)` made SQLite sort every match first
 * (EQ_bizStep=shipping at 1M events: 0.3 ms against 340 ms).
 */
export type TermIds = (texts: readonly string[]) => number[];

const termResolvers = new WeakMap<Database.Database, TermIds>();

/** The resolver of a connection, its statement prepared once. */
export function termIdsOf(db: Database.Database): TermIds {
  let resolve = termResolvers.get(db);
  if (resolve === undefined) {
    const find = db.prepare<[string], { id: number }>('SELECT id FROM terms WHERE term = ?');
    resolve = (texts) => texts.map((t) => find.get(t)?.id ?? 0);
    termResolvers.set(db, resolve);
  }
  return resolve;
}

/** Builds the WHERE clause; every value is a bound parameter, never spliced into the SQL. */
function whereOf(filter: EventFilter, terms: TermIds): Clauses {
  const out: Clauses = { sql: [], params: [] };
  const anyOf = (column: string, values: string[] | undefined) => {
    if (values === undefined) return;
    out.sql.push(`${column} IN (${marks(values.length)})`);
    out.params.push(...values);
  };
  // A term-valued column (event-index.ts) equal to any of the texts.
  const anyTerm = (column: string, values: string[] | undefined) => {
    if (values === undefined) return;
    out.sql.push(`${column} IN (${marks(values.length)})`);
    out.params.push(...terms(values));
  };
  if (filter.visibleTo !== undefined) {
    out.sql.push('EXISTS (SELECT 1 FROM event_recipients v WHERE v.org = ? AND v.seq = i.seq)');
    out.params.push(filter.visibleTo);
  }
  anyTerm('i.type', filter.eventType);
  if (filter.eventTime?.ge !== undefined) {
    out.sql.push('i.event_time >= ?');
    out.params.push(filter.eventTime.ge);
  }
  if (filter.eventTime?.lt !== undefined) {
    out.sql.push('i.event_time < ?');
    out.params.push(filter.eventTime.lt);
  }
  recordTimeBounds(out, filter.recordTime);
  anyOf('i.action', filter.action);
  anyTerm('i.biz_step', filter.bizStep);
  anyTerm('i.disposition', filter.disposition);
  anyTerm('i.read_point', filter.readPoint);
  anyTerm('i.biz_location', filter.bizLocation);
  anyOf('i.event_id', filter.eventID);
  for (const c of filter.ids ?? []) idCondition(out, c, terms);
  if (filter.errorDeclaration !== undefined) {
    out.sql.push('i.error_declaration = ?');
    out.params.push(filter.errorDeclaration ? 1 : 0);
  }
  for (const [field, column] of [
    ['readPoint', 'i.read_point'],
    ['bizLocation', 'i.biz_location'],
  ] as const) {
    const roots = filter.within?.[field];
    if (roots === undefined) continue;
    // The roots and every location beneath them: master_children walked to any depth.
    out.sql.push(`${column} IN (SELECT t.id FROM terms t WHERE t.term IN (WITH RECURSIVE sub(k) AS
      (SELECT value FROM json_each(?) UNION SELECT c.child FROM master_children c JOIN sub ON c.parent = sub.k)
      SELECT k FROM sub))`);
    out.params.push(JSON.stringify(roots));
  }
  for (const a of filter.attributes ?? []) {
    const column = a.field === 'readPoint' ? 'i.read_point' : 'i.biz_location';
    // An attribute is named by its URI (urn:epcglobal:cbv:mda#name) or by its last part (name).
    out.sql.push(`${column} IN (SELECT t.id FROM terms t WHERE t.term IN (SELECT id_key FROM master_attributes
      WHERE (attr = ? OR attr LIKE ? OR attr LIKE ?) AND value IN (${marks(a.values.length)})))`);
    out.params.push(a.attr, `%#${a.attr}`, `%:${a.attr}`, ...a.values);
  }
  return out;
}

type Row = ServedEventRow & { seq: number; sort: number };

/** SQL of one page, for the store and for EXPLAIN QUERY PLAN in tests. */
export function eventPageSql(req: EventPageRequest, terms: TermIds): { sql: string; params: unknown[] } {
  const { sql, params } = whereOf(req.filter, terms);
  const column = COLUMN[req.orderBy];
  const cmp = req.descending ? '<' : '>';
  if (req.after) {
    if (req.orderBy === 'ledger') {
      sql.push(`i.seq ${cmp} ?`);
      params.push(req.after.seq);
    } else {
      sql.push(`(${column}, i.seq) ${cmp} (?, ?)`);
      params.push(req.after.value, req.after.seq);
    }
  }
  const dir = req.descending ? 'DESC' : 'ASC';
  const order = req.orderBy === 'ledger' ? `i.seq ${dir}` : `${column} ${dir}, i.seq ${dir}`;
  const where = sql.length > 0 ? `WHERE ${sql.join(' AND ')}` : '';
  return {
    sql: `SELECT i.seq AS seq, ${column} AS sort, ${SERVED_EVENT_COLUMNS} FROM event_index i
      ${SERVED_EVENT_JOIN} ${where} ORDER BY ${order} LIMIT ?`,
    params: [...params, req.limit + 1],
  };
}

/** Identifier rows a pattern must match to count as dense: about one event in a hundred at 1M. */
export const DENSE_PATTERN_ROWS = 10_000;

/** Marks pattern conditions that match at least DENSE_PATTERN_ROWS identifiers (a capped count). */
function withDensity(db: Database.Database, filter: EventFilter): EventFilter {
  if (!filter.ids?.some((c) => c.prefixes.length > 0)) return filter;
  const count = db.prepare<[string, string, number], { n: number }>(
    `SELECT COUNT(*) AS n FROM (SELECT 1 FROM terms t JOIN event_ids x ON x.term = t.id
      WHERE t.term >= ? AND t.term < ? LIMIT ?)`,
  );
  const dense = (c: IdCondition) => {
    let rows = 0;
    for (const p of c.prefixes) rows += count.get(p, `${p.slice(0, -1)}0`, DENSE_PATTERN_ROWS)?.n ?? 0;
    return rows >= DENSE_PATTERN_ROWS;
  };
  return {
    ...filter,
    ids: filter.ids.map((c) => (c.prefixes.length > 0 && dense(c) ? { ...c, dense: true } : c)),
  };
}

/** Stored bytes of a row's event as served (its body and any error declaration). */
const rowBytes = (row: Row) =>
  Buffer.byteLength(row.body) + (row.declaration === null ? 0 : Buffer.byteLength(row.declaration));

/**
 * Counts a page's bytes: `fits` is false for the first row past the budget, unless the page is
 * still empty (one event larger than the budget is served alone, so paging always advances).
 */
function byteBudget(maxBytes: number | undefined): { fits(row: Row, served: number): boolean } {
  let bytes = 0;
  return {
    fits(row, served) {
      if (maxBytes === undefined) return true;
      const size = rowBytes(row);
      if (served > 0 && bytes + size > maxBytes) return false;
      bytes += size;
      return true;
    },
  };
}

export function eventPage(db: Database.Database, req: EventPageRequest): EventPage {
  const filter = withDensity(db, req.filter);
  if (filter.predicates?.length) return filteredPage(db, { ...req, filter }, filter.predicates);
  const { sql, params } = eventPageSql({ ...req, filter }, termIdsOf(db));
  // Rows one at a time, so rows past the byte budget are never read into memory.
  const page: Row[] = [];
  const budget = byteBudget(req.maxBytes);
  let more = false;
  for (const row of db.prepare<unknown[], Row>(sql).iterate(...params) as IterableIterator<Row>) {
    if (page.length === req.limit || !budget.fits(row, page.length)) {
      more = true;
      break;
    }
    page.push(row);
  }
  const last = page[page.length - 1];
  return {
    events: page.map(servedEvent),
    next: more && last ? { value: last.sort, seq: last.seq } : undefined,
  };
}

/** Candidates read per round when conditions are tested on events rather than in SQL. */
const SCAN_BATCH = 500;

/**
 * A page under conditions SQL cannot test: candidates in sort order, a batch at a time, until
 * limit + 1 pass. The next page starts after the last event served, so no match is skipped or
 * served twice.
 */
function filteredPage(
  db: Database.Database,
  req: EventPageRequest,
  predicates: ReadonlyArray<(event: EpcisEvent) => boolean>,
): EventPage {
  const matched: Array<{ event: EpcisEvent; at: Cursor }> = [];
  const budget = byteBudget(req.maxBytes);
  const terms = termIdsOf(db);
  let after = req.after;
  let more = false;
  for (;;) {
    const { sql, params } = eventPageSql({ ...req, after, limit: SCAN_BATCH - 1 }, terms);
    const rows = db.prepare<unknown[], Row>(sql).all(...params) as Row[];
    for (const row of rows) {
      const event = servedEvent(row);
      if (!predicates.every((p) => p(event))) continue;
      if (matched.length === req.limit || !budget.fits(row, matched.length)) {
        more = true;
        break;
      }
      matched.push({ event, at: { value: row.sort, seq: row.seq } });
    }
    const last = rows[rows.length - 1];
    if (more || rows.length < SCAN_BATCH || !last) break;
    after = { value: last.sort, seq: last.seq };
  }
  return {
    events: matched.map((m) => m.event),
    next: more ? matched[matched.length - 1]?.at : undefined,
  };
}
