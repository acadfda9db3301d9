export { createConsensusCore } from './core.js';
export {
  type Clock,
  type ConsensusApp,
  ConsensusDriver,
  type ConsensusStore,
  type ConsensusTransport,
  type DriverObserver,
  type DriverPorts,
  type DriverState,
  type FetchAnswer,
  type Timers,
} from './driver.js';
export { verifyEvidence } from './evidence.js';
export { proposalBytes } from './messages.js';
export { DEFAULT_PACING, type PacedWork, type PacingOptions, RoundPacer } from './pacing.js';
export type {
  ChainTip,
  ConflictingProposalEvidence,
  ConsensusAction,
  ConsensusConfig,
  ConsensusCore,
  ConsensusInput,
  ConsensusMessage,
  ConsensusTimeouts,
  CoreStatus,
  Decision,
  DuplicateVoteEvidence,
  Evidence,
  HeightPhase,
  PersistedState,
  Proposal,
  SignedProposalHeader,
  Step,
  Validator,
  Vote,
} from './types.js';
