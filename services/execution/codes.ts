/** Stable reason codes of the ledger itself; custody rules (contracts/) add their own. */
export enum RejectCode {
  DuplicateEventId = 'DUPLICATE_EVENT_ID',
  RolledBack = 'ROLLED_BACK',
  DuplicateEvidence = 'DUPLICATE_EVIDENCE',
  /** errorDeclaration of an event that is not committed. */
  UnknownEvent = 'UNKNOWN_EVENT',
  /** errorDeclaration by an org other than the one that captured the event. */
  NotOriginalSubmitter = 'NOT_ORIGINAL_SUBMITTER',
  /** The event was already declared erroneous. */
  AlreadyDeclared = 'ALREADY_DECLARED',
  RulesInvalid = 'RULES_INVALID',
  DuplicateProposal = 'DUPLICATE_PROPOSAL',
  UnknownProposal = 'UNKNOWN_PROPOSAL',
  AlreadyApproved = 'ALREADY_APPROVED',
  ValidatorsBelowMinimum = 'VALIDATORS_BELOW_MINIMUM',
  MemberInvalid = 'MEMBER_INVALID',
  MemberExists = 'MEMBER_EXISTS',
  MemberUnknown = 'MEMBER_UNKNOWN',
  NotAValidator = 'NOT_A_VALIDATOR',
  SelfGrant = 'SELF_GRANT',
  GrantInvalid = 'GRANT_INVALID',
}
