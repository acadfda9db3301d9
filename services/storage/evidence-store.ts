import type Database from 'better-sqlite3';
import type { EvidenceEntry } from '../execution/index.js';

/** Evidence as committed: the entry plus where it was committed. */
export interface StoredEvidence extends EvidenceEntry {
  txId: string;
  blockHeight: number;
}

interface EvidenceRow {
  id: string;
  kind: string;
  member: string;
  height: number;
  round: number;
  reported_by: string;
  tx_id: string;
  block_height: number;
  body: string;
}

function prepare(db: Database.Database) {
  return {
    hasEvidence: db.prepare<[string], { one: number }>('SELECT 1 AS one FROM evidence WHERE id = ?'),
    insertEvidence: db.prepare(
      'INSERT INTO evidence (id, kind, member, height, round, reported_by, tx_id, block_height, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    evidence: db.prepare<[], EvidenceRow>('SELECT * FROM evidence ORDER BY block_height, rowid'),
  };
}

/** The evidence table: equivocations committed on the ledger (execution/evidence.ts). */
export class EvidenceStore {
  private readonly q: ReturnType<typeof prepare>;

  constructor(db: Database.Database) {
    this.q = prepare(db);
  }

  has(id: string): boolean {
    return this.q.hasEvidence.get(id) !== undefined;
  }

  list(): StoredEvidence[] {
    return this.q.evidence.all().map((r) => ({
      id: r.id,
      kind: r.kind as StoredEvidence['kind'],
      member: r.member,
      height: r.height,
      round: r.round,
      reportedBy: r.reported_by,
      txId: r.tx_id,
      blockHeight: r.block_height,
      evidence: JSON.parse(r.body),
    }));
  }

  /** Inside the block's transaction (Store.commitBlock). */
  insert(e: EvidenceEntry, txId: string, blockHeight: number): void {
    this.q.insertEvidence.run(
      e.id,
      e.kind,
      e.member,
      e.height,
      e.round,
      e.reportedBy,
      txId,
      blockHeight,
      JSON.stringify(e.evidence),
    );
  }
}
