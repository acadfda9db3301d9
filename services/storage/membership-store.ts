import type Database from 'better-sqlite3';
import type { GovernedProposal, MembershipChange } from '../execution/index.js';

export const MEMBERSHIP_SCHEMA = `
CREATE TABLE IF NOT EXISTS member_proposals (
  hash TEXT PRIMARY KEY,
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  proposer TEXT NOT NULL,
  proposed_height INTEGER NOT NULL,
  approvals TEXT NOT NULL,
  activation_height INTEGER,
  activation_seq INTEGER
);
CREATE INDEX IF NOT EXISTS member_proposals_by_activation ON member_proposals (activation_height, activation_seq);
`;

interface Row {
  hash: string;
  subject: 'member' | 'grant';
  body: string;
  proposer: string;
  proposed_height: number;
  approvals: string;
  activation_height: number | null;
  activation_seq: number | null;
}

function proposalOf(row: Row): GovernedProposal {
  const body = JSON.parse(row.body) as Pick<GovernedProposal, 'change' | 'grant'>;
  return {
    hash: row.hash,
    subject: row.subject,
    proposer: row.proposer,
    proposedHeight: row.proposed_height,
    approvals: JSON.parse(row.approvals) as string[],
    activationHeight: row.activation_height,
    ...body,
  };
}

/**
 * Member and grant proposals on the ledger (execution/membership.ts), written in the block's own
 * transaction. Activated ones, in activation order, are what the member set at any height is
 * computed from (chain/member-book.ts).
 */
export class MembershipStore {
  private readonly q;

  constructor(db: Database.Database) {
    db.exec(MEMBERSHIP_SCHEMA); // beside the ledger schema: a data directory from before gets it on open
    this.q = {
      one: db.prepare<[string], Row>('SELECT * FROM member_proposals WHERE hash = ?'),
      all: db.prepare<[], Row>('SELECT * FROM member_proposals ORDER BY proposed_height, rowid'),
      activated: db.prepare<[], Row>(
        'SELECT * FROM member_proposals WHERE activation_height IS NOT NULL ORDER BY activation_height, activation_seq',
      ),
      insert: db.prepare(
        'INSERT INTO member_proposals (hash, subject, body, proposer, proposed_height, approvals, activation_height, activation_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      update: db.prepare(
        'UPDATE member_proposals SET approvals = ?, activation_height = ?, activation_seq = ? WHERE hash = ?',
      ),
      nextSeq: db.prepare<[], { n: number }>(
        'SELECT COALESCE(MAX(activation_seq), 0) + 1 AS n FROM member_proposals',
      ),
    };
  }

  proposal(hash: string): GovernedProposal | undefined {
    const row = this.q.one.get(hash);
    return row && proposalOf(row);
  }

  /** Every proposal, oldest first. */
  proposals(): GovernedProposal[] {
    return this.q.all.all().map(proposalOf);
  }

  /** Proposals with an activation height, in the order they come into force. */
  activated(): GovernedProposal[] {
    return this.q.activated.all().map(proposalOf);
  }

  /** Inside the block's transaction. Activation order breaks ties between changes at one height. */
  record(change: MembershipChange): void {
    const p = change.proposal;
    const row = this.q.one.get(p.hash);
    const activated = p.activationHeight !== null && (row?.activation_height ?? null) === null;
    const seq = activated ? (this.q.nextSeq.get()?.n ?? 1) : (row?.activation_seq ?? null);
    const approvals = JSON.stringify(p.approvals);
    if (change.type === 'proposed') {
      const body = JSON.stringify(p.change ? { change: p.change } : { grant: p.grant });
      this.q.insert.run(
        p.hash,
        p.subject,
        body,
        p.proposer,
        p.proposedHeight,
        approvals,
        p.activationHeight,
        seq,
      );
    } else {
      this.q.update.run(approvals, p.activationHeight, seq, p.hash);
    }
  }
}
