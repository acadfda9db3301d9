import type Database from 'better-sqlite3';
import type { TxResult } from '../execution/index.js';
import type { Transaction } from '../ledger/index.js';
import { SERVED_EVENT_COLUMNS, SERVED_EVENT_JOIN, type ServedEventRow } from './served-event.js';

/** The Store's row types and its prepared statements (store.ts), kept apart from its logic. */

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

/** The roots a block left behind, which the next header carries. */
export interface BlockRoots {
  stateRoot: string;
  resultsRoot: string;
  rulesHash: string;
}

export type Statements = ReturnType<typeof prepare>;

/** A stored body and where its capture's events are (tx-body.ts). */
export interface BodyRow {
  body: string;
  first_event: number | null;
  /** Events of the document: one verdict each. */
  events: number;
}

export const BODY_COLUMNS = 'body, first_event, json_array_length(verdicts) AS events';

/**
 * What the Store calls on its statements. better-sqlite3's own statement type cannot be named in a
 * declaration file, so `prepare`'s statements are typed by this interface, which can.
 */
export interface Stmt<P extends unknown[], R> {
  run(...params: P): Database.RunResult;
  get(...params: P): R | undefined;
  all(...params: P): R[];
}

function stmt<P extends unknown[] = unknown[], R = unknown>(db: Database.Database, sql: string): Stmt<P, R> {
  return db.prepare<P, R>(sql);
}

export function prepare(db: Database.Database) {
  return {
    tip: stmt<[], { height: number; hash: string; header: string }>(
      db,
      'SELECT height, hash, header FROM blocks ORDER BY height DESC LIMIT 1',
    ),
    block: stmt<[number], { hash: string; header: string; certificate: string }>(
      db,
      'SELECT hash, header, certificate FROM blocks WHERE height = ?',
    ),
    blockTxs: stmt<[number], BodyRow & { id: string; signature: string }>(
      db,
      `SELECT id, ${BODY_COLUMNS}, signature FROM txs WHERE height = ? ORDER BY idx`,
    ),
    blockVerdicts: stmt<
      [number],
      BodyRow & { id: string; success: number; errors: string; verdicts: string }
    >(db, `SELECT id, ${BODY_COLUMNS}, success, errors, verdicts FROM txs WHERE height = ? ORDER BY idx`),
    tx: stmt<[string], BodyRow & { signature: string; height: number; success: number; errors: string }>(
      db,
      `SELECT ${BODY_COLUMNS}, signature, height, success, errors FROM txs WHERE id = ?`,
    ),
    docEvents: stmt<[number, number], { body: string }>(
      db,
      'SELECT body FROM doc_events WHERE id >= ? AND id < ? ORDER BY id',
    ),
    hasTx: stmt<[string], { one: number }>(db, 'SELECT 1 AS one FROM txs WHERE id = ?'),
    event: stmt<[string], ServedEventRow & { tx_id: string; height: number; position: number }>(
      db,
      `SELECT ${SERVED_EVENT_COLUMNS}, t.id AS tx_id, i.height AS height, i.doc_event - t.first_event AS position
       FROM event_index i ${SERVED_EVENT_JOIN}
       JOIN txs t ON t.height = i.height AND t.idx = i.tx_idx WHERE i.event_id = ?`,
    ),
    hasEvent: stmt<[string], { one: number }>(db, 'SELECT 1 AS one FROM event_index WHERE event_id = ?'),
    lastRejection: stmt<[string], { tx_id: string; height: number; code: string; message: string }>(
      db,
      'SELECT tx_id, height, code, message FROM rejections WHERE event_id = ? ORDER BY height DESC LIMIT 1',
    ),
    insertBlock: stmt(db, 'INSERT INTO blocks (height, hash, header, certificate) VALUES (?, ?, ?, ?)'),
    // error_declaration is set with the error_declarations row, in the same block (event-index.ts).
    eventOrigin: stmt<[string], { org: string; declared: number }>(
      db,
      'SELECT org, error_declaration AS declared FROM event_index WHERE event_id = ?',
    ),
    roots: stmt<[number], { state_root: string; results_root: string; rules_hash: string }>(
      db,
      'SELECT state_root, results_root, rules_hash FROM block_roots WHERE height = ?',
    ),
    insertRoots: stmt(
      db,
      'INSERT INTO block_roots (height, state_root, results_root, rules_hash) VALUES (?, ?, ?, ?)',
    ),
  };
}
