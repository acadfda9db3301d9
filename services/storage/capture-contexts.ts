import type Database from 'better-sqlite3';
import { namespacesIn } from '../epcis/index.js';

/** prefix -> namespace URI, as a JSON-LD `@context` object defines them. */
export type Namespaces = Readonly<Record<string, string>>;

/**
 * The `@context` of the capture document an accepted event came in. Events are stored and served
 * without it (the JSON-LD answer carries GS1's context); the EPCIS XML binding needs it to put a
 * user extension (`example:note`) back in its namespace.
 */
export class CaptureContexts {
  private readonly context: Database.Statement<[string], { context: string | null }>;

  constructor(db: Database.Database) {
    this.context = db.prepare(
      `SELECT t.body -> '$.document."@context"' AS context FROM event_index i
       JOIN txs t ON t.height = i.height AND t.idx = i.tx_idx WHERE i.event_id = ?`,
    );
  }

  /** The namespaces the capture of an accepted event declared (empty when none or unknown). */
  namespacesOf(eventID: string): Namespaces {
    const row = this.context.get(eventID);
    return row?.context ? namespacesIn(JSON.parse(row.context) as unknown) : {};
  }
}
