/**
 * The chain application: what a valid transaction is, intake from clients and peers, blocks built
 * and validated for consensus, and a committed block applied (execution, then storage).
 */

export {
  type AppliedBlock,
  type BlockApplyContext,
  type CommitOutcome,
  standaloneApplier,
  tiersOf,
} from './block-apply.js';
export { adoptKnownTxs } from './known-txs.js';
export {
  type BlockApplier,
  LedgerApp,
  type LedgerAppDeps,
  type OnCommitted,
  type Submitted,
} from './ledger-app.js';
export { MemberBook, type MemberView } from './member-book.js';
export { type GovernedSubmitter, MemberGovernance, type Proposed } from './member-governance.js';
export { RuleRegistry, type RuleSetStore } from './rules-book.js';
