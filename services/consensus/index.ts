export { createConsensusCore } from './core.js';
export { proposalBytes } from './messages.js';
export type {
  ChainTip,
  ConsensusAction,
  ConsensusConfig,
  ConsensusCore,
  ConsensusInput,
  ConsensusMessage,
  ConsensusTimeouts,
  Decision,
  PersistedState,
  Proposal,
  Step,
  Validator,
  Vote,
} from './types.js';
