import type Database from 'better-sqlite3';

/**
 * Webhook subscriptions to named queries (POST /queries/{name}/subscriptions). Node-local like the
 * named queries they hang off: never in a block. Deleting a named query deletes its subscriptions
 * (the store runs with foreign_keys = ON), as the EPCIS REST binding's DELETE /queries/{name} says.
 * `cursor` is the ledger position (event_index.seq) of the last event delivered, or skipped as not
 * matching: delivery resumes after it, so an event is sent until a 2xx, then never again.
 */
export const SUBSCRIPTIONS_SCHEMA = `
CREATE TABLE IF NOT EXISTS subscriptions (
  id TEXT PRIMARY KEY,
  query_name TEXT NOT NULL REFERENCES named_queries (name) ON DELETE CASCADE,
  dest TEXT NOT NULL,
  secret TEXT,
  created_by_org TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  cursor INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  last_notified_at INTEGER
);
CREATE INDEX IF NOT EXISTS subscriptions_by_query ON subscriptions (query_name, id);
-- Scheduled subscriptions (GS1's query schedule): a subscription with a row here is run at the
-- times its schedule names (next_attempt_at holds the next one), not on every commit. Its own
-- table, so ledgers made before schedules existed need no migration.
CREATE TABLE IF NOT EXISTS subscription_schedules (
  id TEXT PRIMARY KEY REFERENCES subscriptions (id) ON DELETE CASCADE,
  schedule TEXT NOT NULL,
  report_if_empty INTEGER NOT NULL
);
`;

export interface Subscription {
  id: string;
  queryName: string;
  dest: string;
  /**
   * The client's signatureToken (the HMAC key of GS1-Signature), sealed by the node's SecretBox
   * (services/subscriptions/secret-box.ts): never in plain text here. Never returned or logged.
   */
  secret: string | undefined;
  createdByOrg: string;
  /** Token `sub` of the client that subscribed. */
  createdBy: string;
  /** ms since the epoch. */
  createdAt: number;
  /** Ledger position (event seq) of the last event delivered or passed over. */
  cursor: number;
  /** Failed deliveries since the last success. */
  attempts: number;
  /** ms since the epoch; 0 = due now. */
  nextAttemptAt: number;
  lastError: string | undefined;
  lastNotifiedAt: number | undefined;
  /** GS1's query schedule as the client gave it (field -> pattern); undefined for a streaming one. */
  schedule: Record<string, string> | undefined;
  /** Scheduled only: a run with no new events still POSTs an (empty) query document. */
  reportIfEmpty: boolean;
}

export type NewSubscription = Pick<
  Subscription,
  'id' | 'queryName' | 'dest' | 'secret' | 'createdByOrg' | 'createdBy' | 'createdAt'
> & {
  /** Scheduled: the schedule, whether to report empty runs, and the first run (ms). */
  scheduled?: { schedule: Record<string, string>; reportIfEmpty: boolean; firstRunAt: number };
  /** Deliver events recorded at or after this (ms); default: those committed after subscribing. */
  initialRecordTime?: number;
};

type Row = {
  id: string;
  query_name: string;
  dest: string;
  secret: string | null;
  created_by_org: string;
  created_by: string;
  created_at: number;
  cursor: number;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  last_notified_at: number | null;
  schedule: string | null;
  report_if_empty: number | null;
};

const fromRow = (r: Row): Subscription => ({
  id: r.id,
  queryName: r.query_name,
  dest: r.dest,
  secret: r.secret ?? undefined,
  createdByOrg: r.created_by_org,
  createdBy: r.created_by,
  createdAt: r.created_at,
  cursor: r.cursor,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  lastError: r.last_error ?? undefined,
  lastNotifiedAt: r.last_notified_at ?? undefined,
  schedule: r.schedule === null ? undefined : (JSON.parse(r.schedule) as Record<string, string>),
  reportIfEmpty: r.report_if_empty === 1,
});

const SELECT = `SELECT s.*, x.schedule AS schedule, x.report_if_empty AS report_if_empty
  FROM subscriptions s LEFT JOIN subscription_schedules x ON x.id = s.id`;

function prepare(db: Database.Database) {
  return {
    // The cursor: the newest event recorded before initialRecordTime (record times grow with seq),
    // or the newest event when none is given.
    insert: db.prepare(
      `INSERT INTO subscriptions (id, query_name, dest, secret, created_by_org, created_by, created_at, cursor, next_attempt_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, (SELECT COALESCE(MAX(seq), 0) FROM event_index WHERE record_time < ?), ?)`,
    ),
    insertSchedule: db.prepare(
      'INSERT INTO subscription_schedules (id, schedule, report_if_empty) VALUES (?, ?, ?)',
    ),
    get: db.prepare<[string, string], Row>(`${SELECT} WHERE s.query_name = ? AND s.id = ?`),
    list: db.prepare<[string, string, string, number], Row>(
      `${SELECT} WHERE s.query_name = ? AND s.created_by_org = ? AND s.id > ? ORDER BY s.id LIMIT ?`,
    ),
    due: db.prepare<[number], Row>(`${SELECT} WHERE s.next_attempt_at <= ? ORDER BY s.id`),
    rescheduled: db.prepare('UPDATE subscriptions SET next_attempt_at = ? WHERE id = ?'),
    remove: db.prepare('DELETE FROM subscriptions WHERE query_name = ? AND id = ?'),
    delivered: db.prepare(
      `UPDATE subscriptions SET cursor = ?, attempts = 0, next_attempt_at = 0, last_error = NULL,
         last_notified_at = ? WHERE id = ?`,
    ),
    passed: db.prepare('UPDATE subscriptions SET cursor = ? WHERE id = ? AND cursor < ?'),
    failed: db.prepare(
      'UPDATE subscriptions SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE id = ?',
    ),
    secrets: db.prepare<[], { id: string; secret: string }>(
      'SELECT id, secret FROM subscriptions WHERE secret IS NOT NULL ORDER BY id',
    ),
    setSecret: db.prepare('UPDATE subscriptions SET secret = ? WHERE id = ?'),
    latest: db.prepare<[], { seq: number }>('SELECT COALESCE(MAX(seq), 0) AS seq FROM event_index'),
    lag: db.prepare<[], { lag: number | null }>(
      'SELECT (SELECT COALESCE(MAX(seq), 0) FROM event_index) - MIN(cursor) AS lag FROM subscriptions',
    ),
  };
}

export class Subscriptions {
  private readonly q: ReturnType<typeof prepare>;

  /** After the event index and the named queries: it refers to both. */
  constructor(private readonly db: Database.Database) {
    db.exec(SUBSCRIPTIONS_SCHEMA);
    this.q = prepare(db);
  }

  /** Starts at the newest committed event: a subscriber gets what commits after it subscribed. */
  add(s: NewSubscription): Subscription {
    const { id, queryName, dest, secret, createdByOrg, createdBy, createdAt, scheduled } = s;
    this.db.transaction(() => {
      this.q.insert.run(
        id,
        queryName,
        dest,
        secret ?? null,
        createdByOrg,
        createdBy,
        createdAt,
        s.initialRecordTime ?? Number.MAX_SAFE_INTEGER,
        scheduled?.firstRunAt ?? 0,
      );
      if (scheduled)
        this.q.insertSchedule.run(id, JSON.stringify(scheduled.schedule), scheduled.reportIfEmpty ? 1 : 0);
    })();
    const added = this.get(queryName, id);
    if (!added) throw new Error(`subscription ${id} vanished after insert`);
    return added;
  }

  get(queryName: string, id: string): Subscription | undefined {
    const row = this.q.get.get(queryName, id);
    return row && fromRow(row);
  }

  /** A query's subscriptions by id, after `after`. */
  /** `org`'s subscriptions to a query (a subscription is its creator's org's alone), by id. */
  list(queryName: string, org: string, limit: number, after = ''): Subscription[] {
    return this.q.list.all(queryName, org, after, limit).map(fromRow);
  }

  /** False when there was no such subscription. */
  remove(queryName: string, id: string): boolean {
    return this.q.remove.run(queryName, id).changes === 1;
  }

  /** Subscriptions whose next attempt is due at `now` (ms). */
  due(now: number): Subscription[] {
    return this.q.due.all(now).map(fromRow);
  }

  /** The position of the newest indexed event (0 before the first). */
  latestPosition(): number {
    return this.q.latest.get()?.seq ?? 0;
  }

  /** A 2xx: the events up to `cursor` are delivered. */
  delivered(id: string, cursor: number, now: number): void {
    this.q.delivered.run(cursor, now, id);
  }

  /** Events up to `cursor` were looked at and none matched: nothing to send, nothing to look at again. */
  passed(id: string, cursor: number): void {
    this.q.passed.run(cursor, id, cursor);
  }

  /** A scheduled subscription's next run (ms). */
  rescheduled(id: string, nextRunAt: number): void {
    this.q.rescheduled.run(nextRunAt, id);
  }

  failed(id: string, nextAttemptAt: number, error: string): void {
    this.q.failed.run(nextAttemptAt, error, id);
  }

  /** Every stored secret, by subscription id (to seal those an older node stored in plain text). */
  secrets(): Array<{ id: string; secret: string }> {
    return this.q.secrets.all();
  }

  setSecret(id: string, secret: string): void {
    this.q.setSecret.run(secret, id);
  }

  /** Ledger positions between the newest event and the furthest-behind cursor (0 without subscriptions). */
  lag(): number {
    return this.q.lag.get()?.lag ?? 0;
  }
}
