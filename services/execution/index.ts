export { RejectCode } from './codes.js';
export { type EvidenceEntry, evidenceEntry } from './evidence.js';
export { executeBlock } from './execute.js';
export {
  type GovernanceChange,
  isGovernance,
  RULES_ACTIVATION_DELAY,
  type RuleProposal,
  type RulesBook,
} from './governance.js';
export {
  CLASS_ROLES,
  IdRole,
  identifiersFrom,
  identifiersOf,
  OBJECT_ROLES,
  type RoledIdentifier,
} from './identifiers.js';
export {
  applyMemberChange,
  type GovernedProposal,
  grantProblem,
  grantProposalHash,
  isMembership,
  MEMBERS_ACTIVATION_DELAY,
  type MembersBook,
  type MembershipChange,
  type MembershipTx,
  memberChangeProblem,
  memberProposalHash,
  type Refusal,
} from './membership.js';
export { resultsRootOf, txLeaves, type VerdictLeaf, verdictLeaves } from './results.js';
export type {
  BlockExecution,
  CaptureError,
  EventVerdict,
  ExecutionContext,
  IndexedEvent,
  StateView,
  TxResult,
} from './types.js';
