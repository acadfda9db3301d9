import { ErrorCode, WaybillError } from '../common/index.js';
import {
  type GovernedProposal,
  grantProblem,
  grantProposalHash,
  memberChangeProblem,
  memberProposalHash,
  type Refusal,
  RejectCode,
} from '../execution/index.js';
import type { AuditorGrant, MemberChange, MemberSet, TxBody } from '../ledger/index.js';
import type { Store } from '../storage/index.js';
import type { Submitted } from './ledger-app.js';
import type { MemberBook } from './member-book.js';

/** What the governance of members needs of the ledger application. */
export interface GovernedSubmitter {
  submitOwn(body: TxBody): Submitted;
}

export type Proposed = Submitted & { hash: string };

/**
 * This node's organisation proposing and approving member changes and auditor grants
 * (POST /governance/members, /governance/grants). The same checks the ledger makes when it executes
 * the transaction (execution/membership.ts) are made first against the committed state, so a client
 * hears a refusal at once with its stable code; the ledger still has the last word.
 */
export class MemberGovernance {
  constructor(
    private readonly app: GovernedSubmitter,
    private readonly members: MemberBook,
    private readonly store: Pick<Store, 'tip'>,
    private readonly network: string,
    private readonly self: string,
  ) {}

  /** The height the next block is decided at, and its member set. */
  private next(): { height: number; set: MemberSet } {
    const height = this.store.tip().height + 1;
    return { height, set: this.members.at(height) };
  }

  /** The member set once every scheduled change is in force: what a new proposal must fit. */
  private projected(height: number): MemberSet {
    const last = this.members
      .scheduledAfter(height)
      .reduce((h, p) => Math.max(h, p.activationHeight ?? h), height);
    return this.members.at(last);
  }

  private mustValidate(set: MemberSet): void {
    if (!set.isValidator(this.self)) {
      throw new WaybillError(
        ErrorCode.NotAValidator,
        `${this.self} is not a validator; only validators govern`,
      );
    }
  }

  proposeMember(change: MemberChange): Proposed {
    const { height, set } = this.next();
    this.mustValidate(set);
    const basis = height - 1;
    const hash = memberProposalHash(this.network, change, basis);
    if (this.members.proposal(hash))
      refuse({ code: RejectCode.DuplicateProposal, message: `${hash} was already proposed` });
    const problem = memberChangeProblem(change, this.projected(height));
    if (problem) refuse(problem);
    const duplicate = this.open('member').find((p) => sameChange(p, change));
    if (duplicate)
      refuse({
        code: RejectCode.DuplicateProposal,
        message: `the same change is proposed as ${duplicate.hash}`,
      });
    return {
      ...this.app.submitOwn({
        kind: 'member_proposal',
        network: this.network,
        org: this.self,
        change,
        basis,
      }),
      hash,
    };
  }

  proposeGrant(grant: AuditorGrant): Proposed {
    const { height, set } = this.next();
    this.mustValidate(set);
    if (grant.org === this.self)
      refuse({ code: RejectCode.SelfGrant, message: `${this.self} cannot propose a grant to itself` });
    const problem = grantProblem(grant, set);
    if (problem) refuse(problem);
    const basis = height - 1;
    const hash = grantProposalHash(this.network, grant, basis);
    return {
      ...this.app.submitOwn({ kind: 'grant_proposal', network: this.network, org: this.self, grant, basis }),
      hash,
    };
  }

  approve(subject: 'member' | 'grant', hash: string): Proposed {
    const { set } = this.next();
    this.mustValidate(set);
    const proposal = this.members.proposal(hash);
    if (!proposal || proposal.subject !== subject) {
      throw new WaybillError(ErrorCode.UnknownProposal, `no committed ${subject} proposal ${hash}`);
    }
    if (proposal.approvals.includes(this.self)) {
      throw new WaybillError(ErrorCode.AlreadyApproved, `${this.self} already approved ${hash}`);
    }
    if (proposal.grant?.org === this.self) {
      throw new WaybillError(ErrorCode.SelfGrant, `${this.self} cannot approve a grant to itself`);
    }
    const kind = subject === 'member' ? 'member_approval' : 'grant_approval';
    return { ...this.app.submitOwn({ kind, network: this.network, org: this.self, hash }), hash };
  }

  /** Proposals not yet activated. */
  private open(subject: 'member' | 'grant'): GovernedProposal[] {
    return this.members.proposals(subject).filter((p) => p.activationHeight === null);
  }
}

function sameChange(p: GovernedProposal, change: MemberChange): boolean {
  return JSON.stringify(p.change) === JSON.stringify(change);
}

/** The ledger's refusal codes are API error codes of the same name. */
function refuse(r: Refusal): never {
  const code = Object.values(ErrorCode).find((c) => (c as string) === r.code);
  throw new WaybillError(code ?? ErrorCode.Conflict, r.message);
}
