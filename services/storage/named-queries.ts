import type Database from 'better-sqlite3';

/**
 * Named EPCIS queries (POST /queries). Node-local settings of this node's clients, not ledger
 * state: they live beside the ledger in the same file but never in a block.
 */
export const NAMED_QUERIES_SCHEMA = `
CREATE TABLE IF NOT EXISTS named_queries (
  name TEXT PRIMARY KEY,
  params TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
`;

export interface NamedQuery {
  name: string;
  /** The query's parameters as given (validated by the caller), name to value. */
  params: Record<string, string>;
  createdBy: string;
  /** ms since the epoch. */
  createdAt: number;
}

type Row = { name: string; params: string; created_by: string; created_at: number };

const fromRow = (r: Row): NamedQuery => ({
  name: r.name,
  params: JSON.parse(r.params) as Record<string, string>,
  createdBy: r.created_by,
  createdAt: r.created_at,
});

export class NamedQueries {
  private readonly q;

  constructor(db: Database.Database) {
    db.exec(NAMED_QUERIES_SCHEMA);
    this.q = {
      insert: db.prepare(
        'INSERT OR IGNORE INTO named_queries (name, params, created_by, created_at) VALUES (?, ?, ?, ?)',
      ),
      get: db.prepare<[string], Row>('SELECT * FROM named_queries WHERE name = ?'),
      list: db.prepare<[string, number], Row>(
        'SELECT * FROM named_queries WHERE name > ? ORDER BY name LIMIT ?',
      ),
      remove: db.prepare('DELETE FROM named_queries WHERE name = ?'),
    };
  }

  /** False when the name is taken. */
  add(query: NamedQuery): boolean {
    const { name, params, createdBy, createdAt } = query;
    return this.q.insert.run(name, JSON.stringify(params), createdBy, createdAt).changes === 1;
  }

  get(name: string): NamedQuery | undefined {
    const row = this.q.get.get(name);
    return row && fromRow(row);
  }

  /** By name, after `after`. */
  list(limit: number, after = ''): NamedQuery[] {
    return this.q.list.all(after, limit).map(fromRow);
  }

  /** False when there was no such query. */
  remove(name: string): boolean {
    return this.q.remove.run(name).changes === 1;
  }
}
