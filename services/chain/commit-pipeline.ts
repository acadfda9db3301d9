import { ErrorCode, WaybillError } from '../common/index.js';
import type { Clock } from '../consensus/index.js';
import { type BlockExecution, type ExecutionContext, executeBlock } from '../execution/index.js';
import type { Block, CommitCertificate, CommittedBlock } from '../ledger/index.js';
import type { Mempool } from '../mempool/index.js';
import type { KeyRing, RecipientsBook, TierBook } from '../privacy/index.js';
import type { Store } from '../storage/index.js';
import { rootsDiffer } from './block-checks.js';
import type { BlockProducer } from './block-producer.js';
import type { Intake } from './intake.js';
import type { MemberBook } from './member-book.js';
import type { RuleRegistry } from './rules-book.js';

/** Called once per committed block, after its SQLite transaction. */
export type OnCommitted = (committed: CommittedBlock, execution: BlockExecution) => void;

export interface CommitComponents {
  store: Store;
  mempool: Pick<Mempool, 'remove'>;
  rules: RuleRegistry;
  /** Refreshed after each commit: the block may have scheduled a member change. */
  members: MemberBook;
  network: string;
  clock: Clock;
  /** Who receives each event (privacy/recipients.ts). */
  recipients: RecipientsBook;
  /** A sealed network's keys (docs/privacy.md); absent in an open network. */
  sealing?: { keys: KeyRing; tiers: TierBook } | undefined;
  producer: Pick<BlockProducer, 'rootsFor'>;
  intake: Pick<Intake, 'settle'>;
  /** What runs after a block is committed, in order: the list node.ts declares. */
  onCommitted?: OnCommitted | undefined;
  /** Seconds from this node's acknowledgement of a transaction to its commit. */
  onLatency?: ((seconds: number) => void) | undefined;
}

/** A committed block applied: roots checked, executed, stored in one transaction, then announced. */
export class CommitPipeline {
  constructor(private readonly c: CommitComponents) {}

  executionContext(): ExecutionContext {
    const { store, rules, members, network, recipients, sealing } = this.c;
    return { ledger: store, custody: store.custody, rules, members, network, recipients, sealing };
  }

  /**
   * Applies a committed block. Its header commits to the state this node computed for the parent:
   * when they differ, this node's state has diverged from the consortium's, and it halts rather
   * than serve wrong answers (the driver stops the node on the thrown error).
   */
  commit(block: Block, hash: string, certificate: CommitCertificate): void {
    const { store, mempool, intake } = this.c;
    const committed: CommittedBlock = { hash, block, certificate };
    const expected = this.c.producer.rootsFor(block.header.height);
    if (!expected || rootsDiffer(block.header, expected)) {
      throw new WaybillError(
        ErrorCode.StateDiverged,
        `block ${block.header.height} commits to state ${block.header.parentStateRoot.slice(0, 12)}… ` +
          `(rules ${block.header.rulesHash.slice(0, 12)}…), this node has ${expected?.parentStateRoot.slice(0, 12) ?? 'none'}… ` +
          `(rules ${expected?.rulesHash.slice(0, 12) ?? 'none'}…): local state diverged; halting`,
      );
    }
    const execution = executeBlock(block, this.executionContext());
    store.commitBlock(committed, execution);
    this.c.members.refresh();
    const now = this.c.clock();
    for (const tx of block.txs) {
      mempool.remove(tx.id);
      const at = intake.settle(tx.id);
      if (at !== undefined) this.c.onLatency?.((now - at) / 1000);
    }
    this.c.onCommitted?.(committed, execution);
  }
}
