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
}

export type NewSubscription = Pick<
  Subscription,
  'id' | 'queryName' | 'dest' | 'secret' | 'createdByOrg' | 'createdBy' | 'createdAt'
>;

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
});

function prepare(db: Database.Database) {
  return {
    insert: db.prepare(
      `INSERT INTO subscriptions (id, query_name, dest, secret, created_by_org, created_by, created_at, cursor)
       VALUES (?, ?, ?, ?, ?, ?, ?, (SELECT COALESCE(MAX(seq), 0) FROM event_index))`,
    ),
    get: db.prepare<[string, string], Row>('SELECT * FROM subscriptions WHERE query_name = ? AND id = ?'),
    list: db.prepare<[string, string, string, number], Row>(
      'SELECT * FROM subscriptions WHERE query_name = ? AND created_by_org = ? AND id > ? ORDER BY id LIMIT ?',
    ),
    due: db.prepare<[number], Row>('SELECT * FROM subscriptions WHERE next_attempt_at <= ? ORDER BY id'),
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
  constructor(db: Database.Database) {
    db.exec(SUBSCRIPTIONS_SCHEMA);
    this.q = prepare(db);
  }

  /** Starts at the newest committed event: a subscriber gets what commits after it subscribed. */
  add(s: NewSubscription): Subscription {
    const { id, queryName, dest, secret, createdByOrg, createdBy, createdAt } = s;
    this.q.insert.run(id, queryName, dest, secret ?? null, createdByOrg, createdBy, createdAt);
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
