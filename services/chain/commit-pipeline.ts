import { ErrorCode, WaybillError } from '../common/index.js';
import type { Clock } from '../consensus/index.js';
import type { ExecutionContext } from '../execution/index.js';
import type { Block, CommitCertificate, CommittedBlock } from '../ledger/index.js';
import type { Mempool } from '../mempool/index.js';
import type { KeyRing, RecipientsBook, TierBook } from '../privacy/index.js';
import type { Store } from '../storage/index.js';
import { type AppliedBlock, applyBlock, type CommitOutcome, executionContextOf } from './block-apply.js';
import { rootsDiffer } from './block-checks.js';
import type { BlockProducer } from './block-producer.js';
import type { Intake } from './intake.js';
import type { MemberBook } from './member-book.js';
import type { RuleRegistry } from './rules-book.js';

/** Called once per committed block, after its SQLite transaction. */
export type OnCommitted = (committed: CommittedBlock, outcome: CommitOutcome) => void;

/**
 * Applies committed blocks elsewhere (node/block-writer.ts: a worker thread with its own
 * connection to the ledger), so the event loop that answers HTTP is free while a block executes
 * and commits. It must apply exactly what `applyBlock` applies.
 */
export interface BlockApplier {
  apply(committed: CommittedBlock): Promise<AppliedBlock>;
}

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
  /** Absent: blocks are applied on this thread. */
  applier?: BlockApplier | undefined;
}

/** A committed block applied: roots checked, executed, stored in one transaction, then announced. */
export class CommitPipeline {
  constructor(private readonly c: CommitComponents) {}

  executionContext(): ExecutionContext {
    return executionContextOf(this.c);
  }

  /**
   * Applies a committed block. Its header commits to the state this node computed for the parent:
   * when they differ, this node's state has diverged from the consortium's, and it halts rather
   * than serve wrong answers (the driver stops the node on the thrown error).
   * With an applier, returns once the block is handed over, with a promise of its commit.
   */
  commit(block: Block, hash: string, certificate: CommitCertificate): void | Promise<void> {
    const { store, applier } = this.c;
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
    if (applier) {
      const applied = applier.apply(committed);
      store.blockWriting(applied);
      return applied.then(({ outcome, custody }) => {
        store.adoptBlock(
          custody,
          block.txs.map((tx) => tx.id),
        );
        // The block may have scheduled a member change: the book reads it from this connection
        // before anything of the next height runs (the driver waits for this promise).
        this.c.members.refresh();
        this.announce(committed, outcome);
      });
    }
    this.announce(committed, applyBlock(this.c, committed).execution);
  }

  /** The block is stored: the mempool, intake and node.ts's list learn it. */
  private announce(committed: CommittedBlock, outcome: CommitOutcome): void {
    const { mempool, intake } = this.c;
    const { block } = committed;
    const now = this.c.clock();
    for (const tx of block.txs) {
      mempool.remove(tx.id);
      const at = intake.settle(tx.id);
      if (at !== undefined) this.c.onLatency?.((now - at) / 1000);
    }
    this.c.onCommitted?.(committed, outcome);
  }
}
