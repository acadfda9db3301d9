export { RejectCode } from './codes.js';
export { type EvidenceEntry, evidenceEntry } from './evidence.js';
export {
  type BlockExecution,
  type EventVerdict,
  type ExecutionContext,
  eventsOf,
  executeBlock,
  isCapture,
  type StateView,
  submitterOf,
  type TxResult,
} from './execute.js';
export {
  type GovernanceChange,
  isGovernance,
  RULES_ACTIVATION_DELAY,
  type RuleProposal,
  type RulesBook,
} from './governance.js';
export { resultsRootOf, txLeaves, type VerdictLeaf, verdictLeaves } from './results.js';
