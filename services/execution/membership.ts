import { hashOf } from '../common/index.js';
import { verify } from '../crypto/index.js';
import {
  type AuditorGrant,
  type GrantApprovalTxBody,
  type GrantProposalTxBody,
  type MemberApprovalTxBody,
  type MemberChange,
  type MemberProposalTxBody,
  type MemberRecord,
  MemberSet,
  MIN_VALIDATORS,
  memberFileProblem,
  recordOf,
  roleOf,
  type Transaction,
} from '../ledger/index.js';
import { compileGrants, GrantError } from '../privacy/index.js';
import { RejectCode } from './codes.js';

/**
 * Blocks between the approval that reaches the quorum and the first block under the new member set.
 * When a node enters height H it has applied blocks up to H-2 only (block H-1 is being committed in
 * the same step), so the set at H may depend on nothing later than H-2: every node, and a node
 * catching up, knows the set of each height before deciding it, and header H can commit to the set
 * of H+1 (docs/consensus.md, "Reconfiguration").
 */
export const MEMBERS_ACTIVATION_DELAY = 2;

/** A committed member or grant proposal. */
export interface GovernedProposal {
  hash: string;
  subject: 'member' | 'grant';
  proposer: string;
  proposedHeight: number;
  /** Validators that approved, in approval order (the proposer first). */
  approvals: string[];
  /** First height with the change in force, once 2f+1 validators approved. */
  activationHeight: number | null;
  change?: MemberChange;
  grant?: AuditorGrant;
}

/** What execution reads of the governed member set. */
export interface MembersBook {
  /** The member set in force at `height`. */
  at(height: number): MemberSet;
  proposal(hash: string): GovernedProposal | undefined;
  /** Changes scheduled to come into force after `height`, in the order they apply. */
  scheduledAfter(height: number): GovernedProposal[];
}

export type MembershipChange =
  | { type: 'proposed'; proposal: GovernedProposal }
  | { type: 'approved'; proposal: GovernedProposal };

type MembershipBody = MemberProposalTxBody | MemberApprovalTxBody | GrantProposalTxBody | GrantApprovalTxBody;
export type MembershipTx = Transaction & { body: MembershipBody };

export function isMembership(tx: Transaction): tx is MembershipTx {
  const k = tx.body.kind;
  return (
    k === 'member_proposal' || k === 'member_approval' || k === 'grant_proposal' || k === 'grant_approval'
  );
}

/** The hash a member proposal is approved by: the change, the network and the proposer's basis height. */
export function memberProposalHash(network: string, change: MemberChange, basis: number): string {
  return hashOf({ network, subject: 'member', change, basis });
}

export function grantProposalHash(network: string, grant: AuditorGrant, basis: number): string {
  return hashOf({ network, subject: 'grant', grant, basis });
}

export type Refusal = { code: RejectCode; message: string };

const refuse = (code: RejectCode, message: string): Refusal => ({ code, message });

/** The member list after one change. A change that no longer applies (its member gone) changes nothing. */
export function applyMemberChange(members: readonly MemberRecord[], change: MemberChange): MemberRecord[] {
  switch (change.action) {
    case 'add':
      return members.some((m) => m.id === change.member.id)
        ? [...members]
        : [...members, recordOf(change.member)];
    case 'remove':
      return members.filter((m) => m.id !== change.id);
    case 'update':
      return members.map((m) => (m.id === change.member.id ? recordOf(change.member) : m));
  }
}

/**
 * Why a change cannot apply to `set`, or undefined. Checked when proposed (against the set with
 * every scheduled change applied) and again when the quorum is reached. Deterministic.
 */
export function memberChangeProblem(change: MemberChange, set: MemberSet): Refusal | undefined {
  if (change.action === 'remove') {
    if (!set.has(change.id)) return refuse(RejectCode.MemberUnknown, `${change.id} is not a member`);
  } else {
    const problem = memberFileProblem(change.member, verify);
    if (problem) return refuse(RejectCode.MemberInvalid, `the member file does not verify: ${problem}`);
    const { id, publicKey, peerId } = change.member;
    if (change.action === 'add' && set.has(id))
      return refuse(RejectCode.MemberExists, `${id} is already a member`);
    if (change.action === 'update' && !set.has(id))
      return refuse(RejectCode.MemberUnknown, `${id} is not a member`);
    const clash = set.members.find((m) => m.id !== id && (m.publicKey === publicKey || m.peerId === peerId));
    if (clash) return refuse(RejectCode.MemberExists, `member ${clash.id} already has this node key`);
  }
  const after = applyMemberChange(set.members, change).filter((m) => roleOf(m) === 'validator').length;
  if (after < MIN_VALIDATORS && after < set.validators.length) {
    return refuse(
      RejectCode.ValidatorsBelowMinimum,
      `the change would leave ${after} validators; a network needs at least ${MIN_VALIDATORS}`,
    );
  }
  return undefined;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

export function grantProblem(grant: AuditorGrant, set: MemberSet): Refusal | undefined {
  if (!set.has(grant.org)) return refuse(RejectCode.MemberUnknown, `${grant.org} is not a member`);
  if (grant.role !== 'auditor') return refuse(RejectCode.GrantInvalid, 'role must be auditor');
  if (
    grant.scope !== undefined &&
    (typeof grant.scope !== 'string' || grant.scope.length === 0 || grant.scope.length > 4096)
  )
    return refuse(RejectCode.GrantInvalid, 'scope must be a CEL expression of at most 4096 characters');
  if (
    grant.until !== undefined &&
    (typeof grant.until !== 'string' || !RFC3339.test(grant.until) || Number.isNaN(Date.parse(grant.until)))
  )
    return refuse(RejectCode.GrantInvalid, 'until must be an RFC 3339 date-time');
  // The scope must compile as recipients will compile it (privacy/grants.ts): a grant that cannot
  // is refused here, never met by every later block's execution.
  try {
    compileGrants([grant], new Set([grant.org]));
  } catch (err) {
    if (!(err instanceof GrantError)) throw err;
    return refuse(RejectCode.GrantInvalid, err.message.replace(/^grants\[0\]: /, ''));
  }
  return undefined;
}

type Outcome = { ok: true; change: MembershipChange } | ({ ok: false } & Refusal);

/**
 * Member and grant proposals and approvals within one block, in block order, as rule-set governance
 * does it (governance.ts): only validators at the block's height propose and approve, a proposal
 * counts as its proposer's approval, and the approval that brings 2f+1 of the height's validators
 * schedules the change MEMBERS_ACTIVATION_DELAY blocks later. An org never approves a grant to itself.
 */
export class MembershipRun {
  private readonly local = new Map<string, GovernedProposal>();
  /** Changes this block scheduled, in order. */
  private readonly scheduled: GovernedProposal[] = [];
  private readonly set: MemberSet;

  constructor(
    private readonly book: MembersBook,
    private readonly network: string,
    private readonly height: number,
  ) {
    this.set = book.at(height);
  }

  execute(tx: MembershipTx): Outcome {
    const { body } = tx;
    if (!this.set.isValidator(body.org)) {
      return {
        ok: false,
        ...refuse(RejectCode.NotAValidator, `${body.org} is not a validator at height ${this.height}`),
      };
    }
    switch (body.kind) {
      case 'member_proposal':
        return this.proposeMember(body);
      case 'grant_proposal':
        return this.proposeGrant(body);
      default:
        return this.approve(body);
    }
  }

  /** The member set once every change scheduled so far (committed or in this block) is in force. */
  private projected(): MemberSet {
    let members = this.set.members;
    for (const p of [...this.book.scheduledAfter(this.height), ...this.scheduled]) {
      if (p.change) members = applyMemberChange(members, p.change);
    }
    return members === this.set.members ? this.set : new MemberSet(members);
  }

  private get(hash: string): GovernedProposal | undefined {
    const known = this.local.get(hash) ?? this.book.proposal(hash);
    return known && { ...known, approvals: [...known.approvals] };
  }

  private proposeMember(body: MemberProposalTxBody): Outcome {
    const hash = memberProposalHash(this.network, body.change, body.basis);
    if (this.get(hash))
      return { ok: false, ...refuse(RejectCode.DuplicateProposal, `${hash} was already proposed`) };
    const problem = memberChangeProblem(body.change, this.projected());
    if (problem) return { ok: false, ...problem };
    return this.open({ hash, subject: 'member', change: body.change }, body.org);
  }

  private proposeGrant(body: GrantProposalTxBody): Outcome {
    const hash = grantProposalHash(this.network, body.grant, body.basis);
    if (this.get(hash))
      return { ok: false, ...refuse(RejectCode.DuplicateProposal, `${hash} was already proposed`) };
    if (body.grant.org === body.org)
      return { ok: false, ...refuse(RejectCode.SelfGrant, `${body.org} cannot propose a grant to itself`) };
    const problem = grantProblem(body.grant, this.projected());
    if (problem) return { ok: false, ...problem };
    return this.open({ hash, subject: 'grant', grant: body.grant }, body.org);
  }

  private open(what: Pick<GovernedProposal, 'hash' | 'subject' | 'change' | 'grant'>, org: string): Outcome {
    const proposal: GovernedProposal = {
      ...what,
      proposer: org,
      proposedHeight: this.height,
      approvals: [],
      activationHeight: null,
    };
    const refused = this.addApproval(proposal, org);
    if (refused) return { ok: false, ...refused };
    return { ok: true, change: { type: 'proposed', proposal } };
  }

  private approve(body: MemberApprovalTxBody | GrantApprovalTxBody): Outcome {
    const proposal = this.get(body.hash);
    const subject = body.kind === 'member_approval' ? 'member' : 'grant';
    if (!proposal || proposal.subject !== subject)
      return { ok: false, ...refuse(RejectCode.UnknownProposal, `no ${subject} proposal ${body.hash}`) };
    if (proposal.approvals.includes(body.org))
      return {
        ok: false,
        ...refuse(RejectCode.AlreadyApproved, `${body.org} already approved ${body.hash}`),
      };
    if (proposal.grant?.org === body.org)
      return { ok: false, ...refuse(RejectCode.SelfGrant, `${body.org} cannot approve a grant to itself`) };
    const refused = this.addApproval(proposal, body.org);
    if (refused) return { ok: false, ...refused };
    return { ok: true, change: { type: 'approved', proposal } };
  }

  /** Counts the approval; at 2f+1 of this height's validators the change is scheduled, if it still applies. */
  private addApproval(proposal: GovernedProposal, org: string): Refusal | undefined {
    proposal.approvals.push(org);
    const counted = proposal.approvals.filter((a) => this.set.isValidator(a)).length;
    if (proposal.activationHeight === null && counted >= this.set.quorum) {
      const problem = proposal.change && memberChangeProblem(proposal.change, this.projected());
      if (problem) return problem;
      proposal.activationHeight = this.height + MEMBERS_ACTIVATION_DELAY;
      this.scheduled.push(proposal);
    }
    this.local.set(proposal.hash, proposal);
    return undefined;
  }
}
