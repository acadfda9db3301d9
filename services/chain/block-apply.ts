import type { Genesis } from '../config/index.js';
import { loadRuleFiles } from '../contracts/index.js';
import {
  type BlockExecution,
  type ExecutionContext,
  executeBlock,
  type TxResult,
} from '../execution/index.js';
import type { CommittedBlock } from '../ledger/index.js';
import {
  type KeyRing,
  publicIlmdKeysOf,
  Recipients,
  type RecipientsBook,
  type TierBook,
  Tiers,
} from '../privacy/index.js';
import type { CommittedCustody, Store } from '../storage/index.js';
import { MemberBook } from './member-book.js';
import { RuleRegistry } from './rules-book.js';

/** What applying a committed block reads and writes: the store, the rules, members, recipients, sealing keys. */
export interface BlockApplyContext {
  store: Store;
  rules: RuleRegistry;
  /** The member set at each height; `refresh` after each commit (the block may have scheduled a change). */
  members: MemberBook;
  network: string;
  /** Who receives each event (privacy/recipients.ts). */
  recipients: RecipientsBook;
  /** A sealed network's keys and public-view tiers per height (docs/privacy.md); absent in an open network. */
  sealing?: { keys: KeyRing; tiers: TierBook } | undefined;
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

export function executionContextOf(c: BlockApplyContext): ExecutionContext {
  const { store, rules, members, network, recipients, sealing } = c;
  return { ledger: store, custody: store.custody, rules, members, network, recipients, sealing };
}

/**
 * Executes a committed block against the committed state and stores it with all it changes, in
 * one transaction; then the member book reads the changes the block scheduled, so the next
 * height's checks and quorums see them.
 */
export function applyBlock(
  c: BlockApplyContext,
  committed: CommittedBlock,
): { execution: BlockExecution; custody: CommittedCustody } {
  const applied = c.store.executeAndCommit(committed, () =>
    executeBlock(committed.block, executionContextOf(c)),
  );
  c.members.refresh();
  return applied;
}

/**
 * Block apply on its own, as the block writer thread runs it (node/block-writer-thread.ts): the
 * context rebuilt from genesis and the thread's own connection to the ledger, as LedgerApp and
 * node.ts build it on the main thread (a member book over the ledger's member changes, the rules
 * with its quorums, recipients following the member set and grants, the sealing keys of every
 * member the book has known). Returns what the main thread needs of each block, small and cloneable.
 */
export function standaloneApplier(
  store: Store,
  genesis: Genesis,
): ((committed: CommittedBlock) => AppliedBlock) & { warm(): void } {
  const members = new MemberBook(store, genesis.members, genesis.grants ?? []);
  const context: BlockApplyContext = {
    store,
    rules: new RuleRegistry(
      store,
      genesis.rules,
      members,
      (height) => members.at(height).quorum,
      genesis.privacy === 'sealed',
    ),
    members,
    network: genesis.network,
    recipients: new Recipients(members, members),
    // Read at each use, as node/sealing.ts does: members added or re-keyed by governance bring their keys.
    sealing:
      genesis.privacy === 'sealed'
        ? {
            get keys() {
              return members.keyRing();
            },
            tiers: tiersOf(genesis, members),
          }
        : undefined,
  };
  const apply = (committed: CommittedBlock): AppliedBlock => {
    const { execution, custody } = applyBlock(context, committed);
    const { resultsRoot, rulesHash } = execution;
    const results = execution.results.map(({ success, errors }) => ({ success, errors }));
    return { outcome: { results, resultsRoot, rulesHash }, custody };
  };
  // The rules in force for the next block, compiled now rather than inside its write.
  const warm = () => void context.rules.at(store.tip().height + 1);
  return Object.assign(apply, { warm });
}

/**
 * A sealed network's public-view tiers: parties and sites resolve against the members at each
 * height (genesis plus governance's changes), as the custody rules and the recipients resolve them,
 * and the ilmd keys the genesis rules read stay public. One definition for the main thread
 * (node/sealing.ts) and the block writer thread.
 */
export function tiersOf(genesis: Genesis, members: Pick<MemberBook, 'membersAt'>): Tiers {
  return new Tiers(members, publicIlmdKeysOf(loadRuleFiles(genesis.rules)));
}
