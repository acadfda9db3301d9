import type Database from 'better-sqlite3';
import type { TxResult } from '../execution/index.js';
import { type EpcisEvent, submitterOf } from '../ledger/index.js';
import { StorageError, StorageErrorCode } from './errors.js';
import type { EvidenceStore } from './evidence-store.js';
import type { MembershipStore } from './membership-store.js';
import type { RuleSetStore } from './rule-sets.js';
import { splitBody } from './tx-body.js';

function prepare(db: Database.Database) {
  return {
    insertTx: db.prepare(
      'INSERT INTO txs (id, height, idx, org, submitter, body, first_event, signature, success, errors, verdicts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    insertDocEvent: db.prepare('INSERT INTO doc_events (body) VALUES (?)'),
    insertRejection: db.prepare(
      'INSERT OR REPLACE INTO rejections (event_id, tx_id, height, code, message) VALUES (?, ?, ?, ?, ?)',
    ),
    insertDeclaration: db.prepare(
      'INSERT INTO error_declarations (event_id, tx_id, height, body) VALUES (?, ?, ?, ?)',
    ),
  };
}

/**
 * Writes one transaction's result inside the block's SQLite transaction (Store.commitBlock):
 * the transaction row with its body split from its events (tx-body.ts), the events, rejections,
 * error declarations, evidence and governance. The node's pending entry of it is dropped after the
 * commit, on the main thread (Store.adoptBlock): the acknowledged file (acks.ts) is never written in
 * a block's transaction, or a 202 would wait for the block again.
 */
export class TxResultWriter {
  private readonly q: ReturnType<typeof prepare>;

  constructor(
    db: Database.Database,
    private readonly c: { evidence: EvidenceStore; ruleSets: RuleSetStore; membership: MembershipStore },
  ) {
    this.q = prepare(db);
  }

  /** Stores one transaction's result; returns the doc_events rows of its accepted events. */
  insert(r: TxResult, height: number, idx: number): number[] {
    const { tx } = r;
    const { envelope, events } = splitBody(tx.body);
    const rows = events.map((e) => Number(this.q.insertDocEvent.run(JSON.stringify(e)).lastInsertRowid));
    this.q.insertTx.run(
      tx.id,
      height,
      idx,
      tx.body.org,
      submitterOf(tx),
      JSON.stringify(envelope),
      rows[0] ?? null,
      tx.signature,
      r.success ? 1 : 0,
      JSON.stringify(r.errors),
      JSON.stringify(r.verdicts.map((v) => (v.accepted ? null : (v.code ?? 'REJECTED')))),
    );
    for (const v of r.rejected) {
      this.q.insertRejection.run(v.eventID, tx.id, height, v.code ?? 'REJECTED', v.message ?? '');
    }
    for (const d of r.declarations) {
      this.q.insertDeclaration.run(d.eventID, tx.id, height, JSON.stringify(d));
    }
    if (r.evidence) this.c.evidence.insert(r.evidence, tx.id, height);
    if (r.governance) this.c.ruleSets.record(r.governance);
    if (r.membership) this.c.membership.record(r.membership);
    return acceptedRows(r, events, rows);
  }
}

/**
 * The doc_events rows of a result's accepted events, in the order of `r.accepted`: the document's
 * events whose verdict is accepted and that declare no error (execution/execute.ts settle).
 */
function acceptedRows(r: TxResult, events: readonly unknown[], rows: readonly number[]): number[] {
  const accepted = rows.filter(
    (_, i) => r.verdicts[i]?.accepted === true && !(events[i] as EpcisEvent | undefined)?.errorDeclaration,
  );
  // Joining a body back reads one row per verdict (BodyRow): a mismatch would serve wrong events.
  if (events.length !== r.verdicts.length || accepted.length !== r.accepted.length)
    throw new StorageError(
      StorageErrorCode.Corrupt,
      `transaction ${r.tx.id}: ${events.length} events and ${r.verdicts.length} verdicts, ` +
        `${r.accepted.length} accepted and ${accepted.length} accepted in its document`,
    );
  return accepted;
}
