import type Database from 'better-sqlite3';

/**
 * Gives each repeated string of the event index its term id (the `terms` table, event-index.ts),
 * making one the first time a string is indexed. Ids are the local read model's, never hashed or
 * sent: two nodes may number the same term differently.
 */
export class TermWriter {
  private readonly find: Database.Statement<[string], { id: number }>;
  private readonly insert: Database.Statement<[string]>;
  /** Terms looked up or made in the current block's transaction. */
  private known = new Map<string, number>();

  constructor(db: Database.Database) {
    this.find = db.prepare<[string], { id: number }>('SELECT id FROM terms WHERE term = ?');
    this.insert = db.prepare<[string]>('INSERT INTO terms (term) VALUES (?)');
  }

  /** Starts a block: ids remembered from an earlier transaction may have been rolled back. */
  begin(): void {
    this.known = new Map();
  }

  id(term: string): number {
    let id = this.known.get(term);
    if (id === undefined) {
      id = this.find.get(term)?.id ?? Number(this.insert.run(term).lastInsertRowid);
      this.known.set(term, id);
    }
    return id;
  }

  idOf(term: string | null): number | null {
    return term === null ? null : this.id(term);
  }
}
