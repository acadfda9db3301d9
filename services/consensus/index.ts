export { createConsensusCore } from './core.js';
export { verifyEvidence } from './evidence.js';
export { proposalBytes } from './messages.js';
export type {
  ChainTip,
  ConflictingProposalEvidence,
  ConsensusAction,
  ConsensusConfig,
  ConsensusCore,
  ConsensusInput,
  ConsensusMessage,
  ConsensusTimeouts,
  Decision,
  DuplicateVoteEvidence,
  Evidence,
  PersistedState,
  Proposal,
  SignedProposalHeader,
  Step,
  Validator,
  Vote,
} from './types.js';
