import type { Engine } from '../contracts/index.js';
import type { RuleFileData, RulesApprovalTxBody, RulesProposalTxBody, Transaction } from '../ledger/index.js';
import { RejectCode } from './codes.js';

/** Blocks between the approval that reaches the quorum and the first block under the new rules. */
export const RULES_ACTIVATION_DELAY = 2;

export interface RuleProposal {
  hash: string;
  proposer: string;
  proposedHeight: number;
  /** Member orgs that approved, in approval order (the proposer first). */
  approvals: string[];
  /** First height evaluated under these rules, once 2f+1 members approved. */
  activationHeight: number | null;
}

/** What execution may read of the governed rule sets. */
export interface RulesBook {
  /** The rule set in force at `height`: its hash and compiled engine. */
  at(height: number): { hash: string; engine: Engine };
  /** A committed proposal. */
  proposal(hash: string): RuleProposal | undefined;
  /** Compiles proposed files: their hash, or the problems that make them invalid. */
  check(files: readonly RuleFileData[]): { hash: string; problems: string[] };
  /** Validator approvals needed for activation at `height`: 2f+1 of its validators. */
  quorumAt(height: number): number;
}

export type GovernanceChange =
  | { type: 'proposed'; proposal: RuleProposal; files: RuleFileData[] }
  | { type: 'approved'; proposal: RuleProposal };

export type GovernanceTx = Transaction & { body: RulesProposalTxBody | RulesApprovalTxBody };

export function isGovernance(tx: Transaction): tx is GovernanceTx {
  return tx.body.kind === 'rules_proposal' || tx.body.kind === 'rules_approval';
}

type Outcome = { ok: true; change: GovernanceChange } | { ok: false; code: RejectCode; message: string };

/**
 * Proposals and approvals within one block, in block order. A proposal counts as its proposer's
 * approval; the approval that reaches the quorum schedules activation RULES_ACTIVATION_DELAY blocks
 * later, so the block being executed (and the next one, already being proposed) keep their rules.
 */
export class GovernanceRun {
  private readonly local = new Map<string, RuleProposal>();

  constructor(
    private readonly book: RulesBook,
    private readonly height: number,
  ) {}

  execute(tx: GovernanceTx): Outcome {
    return tx.body.kind === 'rules_proposal' ? this.propose(tx.body) : this.approve(tx.body);
  }

  private get(hash: string): RuleProposal | undefined {
    const known = this.local.get(hash) ?? this.book.proposal(hash);
    return known && { ...known, approvals: [...known.approvals] };
  }

  private propose(body: RulesProposalTxBody): Outcome {
    const { hash, problems } = this.book.check(body.files);
    if (problems.length > 0) {
      return { ok: false, code: RejectCode.RulesInvalid, message: problems.slice(0, 5).join('; ') };
    }
    if (this.get(hash) || hash === this.book.at(this.height).hash) {
      return {
        ok: false,
        code: RejectCode.DuplicateProposal,
        message: `rule set ${hash} was already proposed`,
      };
    }
    const proposal: RuleProposal = {
      hash,
      proposer: body.org,
      proposedHeight: this.height,
      approvals: [],
      activationHeight: null,
    };
    this.addApproval(proposal, body.org);
    return { ok: true, change: { type: 'proposed', proposal, files: body.files } };
  }

  private approve(body: RulesApprovalTxBody): Outcome {
    const proposal = this.get(body.hash);
    if (!proposal)
      return { ok: false, code: RejectCode.UnknownProposal, message: `no proposal ${body.hash}` };
    if (proposal.approvals.includes(body.org)) {
      return {
        ok: false,
        code: RejectCode.AlreadyApproved,
        message: `${body.org} already approved ${body.hash}`,
      };
    }
    this.addApproval(proposal, body.org);
    return { ok: true, change: { type: 'approved', proposal } };
  }

  private addApproval(proposal: RuleProposal, org: string): void {
    proposal.approvals.push(org);
    if (proposal.activationHeight === null && proposal.approvals.length >= this.book.quorumAt(this.height)) {
      proposal.activationHeight = this.height + RULES_ACTIVATION_DELAY;
    }
    this.local.set(proposal.hash, proposal);
  }
}
