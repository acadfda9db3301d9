import type { Genesis } from '../config/index.js';
import {
  type BlockExecution,
  type ExecutionContext,
  executeBlock,
  type TxResult,
} from '../execution/index.js';
import { type CommittedBlock, quorumOf } from '../ledger/index.js';
import { GenesisGrants, type KeyRing, keyRingOf, Recipients, type RecipientsBook } from '../privacy/index.js';
import type { CommittedCustody, Store } from '../storage/index.js';
import { RuleRegistry } from './rules-book.js';

/** What applying a committed block reads and writes: the store, the rules, recipients, sealing keys. */
export interface BlockApplyContext {
  store: Store;
  rules: RuleRegistry;
  /** Who receives each event (privacy/recipients.ts). */
  recipients: RecipientsBook;
  /** A sealed network's keys (docs/privacy.md); absent in an open network. */
  sealing?: { keys: KeyRing } | undefined;
}

/** What the steps after a commit learn of its execution (node.ts's list): the verdicts' outcome. */
export interface CommitOutcome {
  results: readonly Pick<TxResult, 'success' | 'errors'>[];
  resultsRoot: string;
  rulesHash: string;
}

/** A block applied: its execution's outcome and the in-memory side of its custody write. */
export interface AppliedBlock {
  outcome: CommitOutcome;
  custody: CommittedCustody;
}

/** The recipients a network has when nobody says otherwise: its members and genesis grants. */
export function genesisRecipients(genesis: Genesis): RecipientsBook {
  return new Recipients(genesis.members, new GenesisGrants(genesis.grants ?? []));
}

export function executionContextOf(c: BlockApplyContext): ExecutionContext {
  const { store, rules, recipients, sealing } = c;
  return { ledger: store, custody: store.custody, rules, recipients, sealing };
}

/** Executes a committed block against the committed state and stores it with all it changes, in one transaction. */
export function applyBlock(
  c: BlockApplyContext,
  committed: CommittedBlock,
): { execution: BlockExecution; custody: CommittedCustody } {
  return c.store.executeAndCommit(committed, () => executeBlock(committed.block, executionContextOf(c)));
}

/**
 * Block apply on its own, as the block writer thread runs it (node/block-writer-thread.ts): the
 * context rebuilt from genesis and the thread's own connection to the ledger, as LedgerApp builds
 * it on the main thread. Returns what the main thread needs of each block, small and cloneable.
 */
export function standaloneApplier(
  store: Store,
  genesis: Genesis,
): (committed: CommittedBlock) => AppliedBlock {
  const { members } = genesis;
  const context: BlockApplyContext = {
    store,
    rules: new RuleRegistry(store, genesis.rules, members, quorumOf(members.length).quorum),
    recipients: genesisRecipients(genesis),
    sealing: genesis.privacy === 'sealed' ? { keys: keyRingOf(members) } : undefined,
  };
  return (committed) => {
    const { execution, custody } = applyBlock(context, committed);
    const { resultsRoot, rulesHash } = execution;
    const results = execution.results.map(({ success, errors }) => ({ success, errors }));
    return { outcome: { results, resultsRoot, rulesHash }, custody };
  };
}
