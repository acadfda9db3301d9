import type Database from 'better-sqlite3';
import type { GovernanceChange, RuleProposal } from '../execution/index.js';
import type { RuleFileData } from '../ledger/index.js';

interface RuleSetRow {
  hash: string;
  files: string;
  proposer: string;
  proposed_height: number;
  approvals: string;
  activation_height: number | null;
  activation_seq: number | null;
}

function proposalOf(row: RuleSetRow): RuleProposal {
  return {
    hash: row.hash,
    proposer: row.proposer,
    proposedHeight: row.proposed_height,
    approvals: JSON.parse(row.approvals) as string[],
    activationHeight: row.activation_height,
  };
}

function prepare(db: Database.Database) {
  return {
    ruleSet: db.prepare<[string], RuleSetRow>('SELECT * FROM rule_sets WHERE hash = ?'),
    ruleSets: db.prepare<[], RuleSetRow>('SELECT * FROM rule_sets ORDER BY proposed_height, rowid'),
    insertRuleSet: db.prepare(
      'INSERT INTO rule_sets (hash, files, proposer, proposed_height, approvals, activation_height, activation_seq) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    updateRuleSet: db.prepare(
      'UPDATE rule_sets SET approvals = ?, activation_height = ?, activation_seq = ? WHERE hash = ?',
    ),
    nextActivationSeq: db.prepare<[], { n: number }>(
      'SELECT COALESCE(MAX(activation_seq), 0) + 1 AS n FROM rule_sets',
    ),
  };
}

/** The rule_sets table: rule sets proposed, approved and activated by governance transactions. */
export class RuleSetStore {
  private readonly q: ReturnType<typeof prepare>;

  constructor(db: Database.Database) {
    this.q = prepare(db);
  }

  proposal(hash: string): RuleProposal | undefined {
    const row = this.q.ruleSet.get(hash);
    return row && proposalOf(row);
  }

  files(hash: string): RuleFileData[] | undefined {
    const row = this.q.ruleSet.get(hash);
    return row && (JSON.parse(row.files) as RuleFileData[]);
  }

  /** Every proposed rule set, oldest first, with the order activations were scheduled in. */
  all(): (RuleProposal & { activationSeq: number | null })[] {
    return this.q.ruleSets.all().map((r) => ({ ...proposalOf(r), activationSeq: r.activation_seq }));
  }

  /**
   * Records a governance change, inside the block's transaction (Store.commitBlock). Activation
   * order breaks ties between rule sets activating at the same height.
   */
  record(change: GovernanceChange): void {
    const p = change.proposal;
    const row = this.q.ruleSet.get(p.hash);
    const activated = p.activationHeight !== null && (row?.activation_height ?? null) === null;
    const seq = activated ? (this.q.nextActivationSeq.get()?.n ?? 1) : (row?.activation_seq ?? null);
    const approvals = JSON.stringify(p.approvals);
    if (change.type === 'proposed') {
      const files = JSON.stringify(change.files);
      this.q.insertRuleSet.run(
        p.hash,
        files,
        p.proposer,
        p.proposedHeight,
        approvals,
        p.activationHeight,
        seq,
      );
    } else {
      this.q.updateRuleSet.run(approvals, p.activationHeight, seq, p.hash);
    }
  }
}
