import { hashOf } from '../common/index.js';
import type { Genesis } from '../config/index.js';
import type { Clock, ConsensusMessage, Evidence } from '../consensus/index.js';
import { idKey, type ObjectState } from '../contracts/index.js';
import type { Signer } from '../crypto/index.js';
import { executeBlock, type TxResult } from '../execution/index.js';
import type { Block, CommitCertificate, RuleFileData, SubmitContext, Transaction } from '../ledger/index.js';
import type { Mempool } from '../mempool/index.js';
import { GenesisGrants, Recipients, type RecipientsBook } from '../privacy/index.js';
import type { Store } from '../storage/index.js';
import { BlockProducer } from './block-producer.js';
import { CommitPipeline, type OnCommitted } from './commit-pipeline.js';
import { Intake, type Submitted } from './intake.js';
import { adoptKnownTxs } from './known-txs.js';
import type { RuleRegistry } from './rules-book.js';
import { TxChecker } from './tx-check.js';

export type { OnCommitted } from './commit-pipeline.js';
export type { Submitted } from './intake.js';

export interface LedgerAppDeps {
  genesis: Genesis;
  self: string;
  store: Store;
  mempool: Mempool;
  signer: Signer;
  rules: RuleRegistry;
  /** Who receives each event; by default the genesis members and grants. */
  recipients?: RecipientsBook;
  /** The node's one clock (node.ts): mempool timing and the censorship policy read it. */
  clock: Clock;
  /** What runs after a block is committed, in order: the list node.ts declares. */
  onCommitted?: OnCommitted;
  /** Seconds from this node's acknowledgement of a transaction to its commit. */
  onLatency?: (seconds: number) => void;
}

/**
 * The application that consensus orders for: capture transactions in, blocks out. It decides
 * what a valid transaction is (the same answer on every node) and applies committed blocks.
 * The work is done by its parts, each given only the components it needs: TxChecker (checkTx),
 * Intake (own and gossiped transactions), BlockProducer (build, validate, censorship policy) and
 * CommitPipeline (execute and store a committed block); this class is their one face.
 */
export class LedgerApp {
  private readonly checker: TxChecker;
  private readonly intake: Intake;
  private readonly producer: BlockProducer;
  private readonly pipeline: CommitPipeline;

  constructor(private readonly deps: LedgerAppDeps) {
    const { genesis, self, store, mempool, signer, rules, clock } = deps;
    const recipients =
      deps.recipients ?? new Recipients(genesis.members, new GenesisGrants(genesis.grants ?? []));
    this.checker = new TxChecker({ genesis, rules });
    const checker = this.checker;
    this.intake = new Intake({ genesis, self, store, mempool, signer, rules, clock, checker });
    this.producer = new BlockProducer({ genesis, self, store, mempool, rules, checker });
    this.pipeline = new CommitPipeline({
      store,
      mempool,
      rules,
      recipients,
      clock,
      producer: this.producer,
      intake: this.intake,
      onCommitted: deps.onCommitted,
      onLatency: deps.onLatency,
    });
  }

  /** A client's capture: validated, signed by this node and queued (intake.ts). */
  submit(document: unknown, ctx: SubmitContext): Submitted {
    return this.intake.submit(document, ctx);
  }

  /**
   * Evaluates a document against the committed state as the next block would, without ordering
   * or storing anything: the verdicts a capture would get now (`POST /capture?dryRun=true`).
   */
  dryRun(document: unknown, ctx: SubmitContext, now: number): TxResult {
    const body = this.intake.captureBody(document, ctx);
    const tx: Transaction = { id: hashOf(body), body, signature: '' };
    const tip = this.deps.store.tip();
    const block = this.producer.blockOf([tx], tip.height + 1, 0, tip.hash, Math.max(now, tip.timestamp + 1));
    const [result] = executeBlock(block, this.pipeline.executionContext()).results;
    if (!result) throw new Error('a dry run executes one transaction');
    return result;
  }

  proposeRules(files: RuleFileData[]): Submitted & { hash: string } {
    return this.intake.proposeRules(files);
  }

  approveRules(hash: string): Submitted {
    return this.intake.approveRules(hash);
  }

  /** The committed custody state of an object (EPC URI or GS1 Digital Link URI). */
  object(id: string): ObjectState | undefined {
    return this.deps.store.custody.getObject(idKey(id));
  }

  reportEvidence(evidence: Evidence): Transaction | undefined {
    return this.intake.reportEvidence(evidence);
  }

  receive(txs: readonly Transaction[], wireBytes?: number): Transaction[] {
    return this.intake.receive(txs, wireBytes);
  }

  /** Transaction validity: same answer on every node for the same committed state. */
  checkTx(tx: Transaction): boolean {
    return this.checker.checkTx(tx);
  }

  /** A peer's proposal or decision with the transactions this node holds verified (known-txs.ts). */
  adoptKnownTxs(message: ConsensusMessage): ConsensusMessage {
    return adoptKnownTxs(message, this.deps.mempool);
  }

  validateBlock(block: Block): boolean {
    return this.producer.validateBlock(block);
  }

  acceptProposal(block: Block, now: number): boolean {
    return this.producer.acceptProposal(block, now);
  }

  buildBlock(height: number, round: number, parentHash: string, minTimestamp: number, now: number): Block {
    return this.producer.buildBlock(height, round, parentHash, minTimestamp, now);
  }

  commit(block: Block, hash: string, certificate: CommitCertificate): void {
    this.pipeline.commit(block, hash, certificate);
  }
}
