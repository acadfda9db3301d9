import { defaultContractsDir } from '../../services/config/index.js';
import {
  EMPTY_STATE_ROOT,
  type Member,
  MemoryCustodyState,
  readRuleFiles,
  ruleSetHash,
} from '../../services/contracts/index.js';
import type { ExecutionContext, StateView } from '../../services/execution/index.js';
import { EMPTY_ROOT } from '../../services/ledger/index.js';
import { RuleRegistry, type RuleSetStore } from '../../services/node/rules-book.js';
import type { Store } from '../../services/storage/index.js';

/** The consortium rules shipped in contracts/, as genesis carries them. */
export const RULE_FILES = readRuleFiles(defaultContractsDir());

const NO_PROPOSALS: RuleSetStore = {
  ruleProposals: () => [],
  ruleProposal: () => undefined,
  ruleFiles: () => undefined,
};

/** Execution over an in-memory ledger view and custody state, under the genesis rules. */
export function memoryContext(ledger: Partial<StateView> = {}, members: Member[] = []): ExecutionContext {
  return {
    ledger: {
      hasEvent: () => false,
      hasEvidence: () => false,
      eventOrigin: () => undefined,
      ...ledger,
    },
    custody: new MemoryCustodyState(),
    rules: new RuleRegistry(NO_PROPOSALS, RULE_FILES, members, 1),
  };
}

/** Execution over a real store, as the node runs it. */
export function storeContext(store: Store, members: Member[] = [], quorum = 1): ExecutionContext {
  return {
    ledger: store,
    custody: store.custody,
    rules: new RuleRegistry(store, RULE_FILES, members, quorum),
  };
}

/** Header roots of block 1 under the shipped rules (what a node expects of the first block). */
export const GENESIS_ROOTS = {
  parentStateRoot: EMPTY_STATE_ROOT,
  parentResultsRoot: EMPTY_ROOT,
  rulesHash: ruleSetHash(RULE_FILES),
};
