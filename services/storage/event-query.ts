import type Database from 'better-sqlite3';
import type { EpcisEvent } from '../ledger/index.js';
import type { IdRole } from './event-index.js';

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
}

/** The filters of an EPCIS simple event query, already canonical; lists mean "any of". */
export interface EventFilter {
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

/** Builds the WHERE clause; every value is a bound parameter, never spliced into the SQL. */
function whereOf(filter: EventFilter): { sql: string[]; params: unknown[] } {
  const sql: string[] = [];
  const params: unknown[] = [];
  const anyOf = (column: string, values: string[] | undefined) => {
    if (values === undefined) return;
    sql.push(`${column} IN (${marks(values.length)})`);
    params.push(...values);
  };
  const range = (column: string, r: TimeRange | undefined) => {
    if (r?.ge !== undefined) {
      sql.push(`${column} >= ?`);
      params.push(r.ge);
    }
    if (r?.lt !== undefined) {
      sql.push(`${column} < ?`);
      params.push(r.lt);
    }
  };
  anyOf('i.type', filter.eventType);
  range('i.event_time', filter.eventTime);
  // Block timestamps strictly increase (consensus/validation.ts), so a recordTime range is exactly
  // a range of ledger positions. Bounding seq instead of record_time keeps the planner on seq (the
  // ledger order) or on another filter's index, rather than sorting half the ledger.
  if (filter.recordTime?.ge !== undefined) {
    // ORDER BY ... LIMIT 1 rather than MIN(seq): MIN would walk seq order testing record_time.
    sql.push(
      'i.seq >= (SELECT seq FROM event_index WHERE record_time >= ? ORDER BY record_time, seq LIMIT 1)',
    );
    params.push(filter.recordTime.ge);
  }
  if (filter.recordTime?.lt !== undefined) {
    sql.push(
      'i.seq <= (SELECT seq FROM event_index WHERE record_time < ? ORDER BY record_time DESC, seq DESC LIMIT 1)',
    );
    params.push(filter.recordTime.lt);
  }
  anyOf('i.action', filter.action);
  anyOf('i.biz_step', filter.bizStep);
  anyOf('i.disposition', filter.disposition);
  anyOf('i.read_point', filter.readPoint);
  anyOf('i.biz_location', filter.bizLocation);
  anyOf('i.event_id', filter.eventID);
  for (const c of filter.ids ?? []) {
    const roles = `role IN (${marks(c.roles.length)})`;
    const parts: string[] = [];
    if (c.keys.length > 0) {
      parts.push(`SELECT seq FROM event_ids WHERE id_key IN (${marks(c.keys.length)}) AND ${roles}`);
      params.push(...c.keys, ...c.roles);
    }
    for (const prefix of c.prefixes) {
      // A key range, so the primary key (id_key, role, seq) serves it; prefixes end in '/', '0' follows.
      parts.push(`SELECT seq FROM event_ids WHERE id_key >= ? AND id_key < ? AND ${roles}`);
      params.push(prefix, `${prefix.slice(0, -1)}0`, ...c.roles);
    }
    sql.push(`i.seq IN (${parts.join(' UNION ALL ')})`);
  }
  if (filter.errorDeclaration !== undefined) {
    sql.push('i.error_declaration = ?');
    params.push(filter.errorDeclaration ? 1 : 0);
  }
  return { sql, params };
}

type Row = { seq: number; sort: number; body: string };

/** SQL of one page, for the store and for EXPLAIN QUERY PLAN in tests. */
export function eventPageSql(req: EventPageRequest): { sql: string; params: unknown[] } {
  const { sql, params } = whereOf(req.filter);
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
    sql: `SELECT i.seq AS seq, ${column} AS sort, e.body AS body FROM event_index i
      JOIN events e ON e.event_id = i.event_id ${where} ORDER BY ${order} LIMIT ?`,
    params: [...params, req.limit + 1],
  };
}

export function eventPage(db: Database.Database, req: EventPageRequest): EventPage {
  const { sql, params } = eventPageSql(req);
  const rows = db.prepare<unknown[], Row>(sql).all(...params) as Row[];
  const more = rows.length > req.limit;
  const page = more ? rows.slice(0, req.limit) : rows;
  const last = page[page.length - 1];
  return {
    events: page.map((r) => JSON.parse(r.body) as EpcisEvent),
    next: more && last ? { value: last.sort, seq: last.seq } : undefined,
  };
}
