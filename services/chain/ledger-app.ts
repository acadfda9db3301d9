import { hashOf } from '../common/index.js';
import type { Genesis } from '../config/index.js';
import type { Clock, ConsensusMessage, Evidence } from '../consensus/index.js';
import { idKey, type ObjectState } from '../contracts/index.js';
import type { Signer } from '../crypto/index.js';
import { executeBlock, type TxResult } from '../execution/index.js';
import {
  type Block,
  bodyCost,
  type CaptureTxBody,
  type CommitCertificate,
  type RuleFileData,
  type SubmitContext,
  type Transaction,
  type TxBody,
} from '../ledger/index.js';
import type { Mempool } from '../mempool/index.js';
import { RecipientPlan, Recipients, type RecipientsBook, type SealingConfig } from '../privacy/index.js';
import type { Store } from '../storage/index.js';
import { BlockProducer } from './block-producer.js';
import { type BlockApplier, CommitPipeline, type OnCommitted } from './commit-pipeline.js';
import { Intake, type Submitted } from './intake.js';
import { adoptKnownTxs } from './known-txs.js';
import { MemberBook } from './member-book.js';
import type { RuleRegistry } from './rules-book.js';
import { SealedCaptures } from './sealed-capture.js';
import { TxChecker } from './tx-check.js';

export type { BlockApplier, OnCommitted } from './commit-pipeline.js';
export type { Submitted } from './intake.js';

export interface LedgerAppDeps {
  genesis: Genesis;
  self: string;
  store: Store;
  mempool: Mempool;
  signer: Signer;
  rules: RuleRegistry;
  /** The member set at each height: whose keys sign transactions and evidence, and who votes. Default: read from `store`. */
  members?: MemberBook;
  /** Who receives each event; by default the genesis members and grants. */
  recipients?: RecipientsBook;
  /** A sealed network's keys and tiers (docs/privacy.md); absent in an open network. */
  sealing?: SealingConfig;
  /** The node's one clock (node.ts): mempool timing and the censorship policy read it. */
  clock: Clock;
  /** What runs after a block is committed, in order: the list node.ts declares. */
  onCommitted?: OnCommitted;
  /** Seconds from this node's acknowledgement of a transaction to its commit. */
  onLatency?: (seconds: number) => void;
  /** Applies committed blocks off this thread (node/block-writer.ts); absent: applied here. */
  applier?: BlockApplier;
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
  private readonly sealed: SealedCaptures<Submitted> | undefined;

  readonly members: MemberBook;
  private readonly recipients: RecipientsBook;

  constructor(private readonly deps: LedgerAppDeps) {
    const { genesis, self, store, mempool, signer, rules, clock } = deps;
    const members = deps.members ?? new MemberBook(store, genesis.members, genesis.grants ?? []);
    this.members = members;
    // Recipients follow the member set and the grants (genesis and governance) at the block's height.
    const recipients = deps.recipients ?? new Recipients(members, members);
    this.recipients = recipients;
    const sealed = deps.sealing && new SealedCaptures<Submitted>(deps.sealing, store);
    this.sealed = sealed;
    const nextHeight = () => store.tip().height + 1;
    this.checker = new TxChecker({ genesis, rules, members, nextHeight });
    const checker = this.checker;
    const eventIds =
      sealed &&
      (<E extends { eventID: string }>(given: readonly { eventID?: unknown }[], assigned: readonly E[]) =>
        sealed.eventIds(given, assigned));
    this.intake = new Intake({ genesis, self, store, mempool, signer, rules, clock, checker, eventIds });
    this.producer = new BlockProducer({ genesis, self, store, mempool, rules, members, checker });
    this.pipeline = new CommitPipeline({
      store,
      mempool,
      rules,
      members,
      network: genesis.network,
      clock,
      recipients,
      // The config itself, not a copy of its keys: the key ring follows the member set (node/sealing.ts).
      sealing: deps.sealing,
      producer: this.producer,
      intake: this.intake,
      onCommitted: deps.onCommitted,
      onLatency: deps.onLatency,
      applier: deps.applier,
    });
  }

  /** A client's capture: validated, signed by this node and queued (intake.ts). */
  submit(document: unknown, ctx: SubmitContext): Submitted {
    if (this.sealed) throw new Error('a sealed network seals captures: call submitCapture');
    return this.intake.submit(document, ctx);
  }

  /** The eventIDs events get here: assigned CBV hashes become keyed uuids in a sealed network. */
  eventIds<E extends { eventID: string }>(
    given: readonly { eventID?: unknown }[],
    assigned: readonly E[],
  ): E[] {
    return this.sealed ? this.sealed.eventIds(given, assigned) : [...assigned];
  }

  /**
   * A client's capture, sealed in a sealed network (docs/privacy.md): `submit`'s answer once the
   * body is sealed to its events' recipients. A retry of the same document is the same transaction.
   */
  async submitCapture(document: unknown, ctx: SubmitContext): Promise<Submitted> {
    const body = this.intake.captureBody(document, ctx);
    const { store, mempool } = this.deps;
    const now = this.deps.clock();
    // Open: the mempool refuses past its bound when the signed capture is added (signing costs
    // little beside validation). Sealed: a new capture is refused before its sealing.
    if (!this.sealed) return this.intake.submitBody(body);
    return this.sealed.submit(
      body,
      () => this.recipientPlan(body.org, now),
      store.tip().height + 1,
      (sealed) => this.intake.submitBody(sealed),
      (txId) => ({
        tx: mempool.get(txId) ?? { id: txId, body, signature: '' },
        fresh: false,
        durable: store.pendingWrite(txId) ?? Promise.resolve(),
      }),
      () => mempool.admit(bodyCost(body), now),
    );
  }

  /**
   * Evaluates a document against the committed state as the next block would, without ordering
   * or storing anything: the verdicts a capture would get now (`POST /capture?dryRun=true`).
   */
  dryRun(document: unknown, ctx: SubmitContext, now: number): TxResult {
    return this.dryRunBody(this.intake.captureBody(document, ctx), now);
  }

  /**
   * The recipients of a capture's events as the next block would require them (a superset,
   * privacy/recipients.ts RecipientPlan), at the height and timestamp a dry run would use.
   */
  private recipientPlan(org: string, now: number): (view: Record<string, unknown>) => string[] {
    const tip = this.deps.store.tip();
    const policy = this.recipients.at(tip.height + 1);
    const plan = new RecipientPlan(org, Math.max(now, tip.timestamp + 1), this.deps.store.custody, policy);
    return (view) => plan.next(view);
  }

  /** A plaintext body executed as the next block would, sealing checks left out. */
  private dryRunBody(body: CaptureTxBody, now: number): TxResult {
    const tx: Transaction = { id: hashOf(body), body, signature: '' };
    const tip = this.deps.store.tip();
    const block = this.producer.blockOf([tx], tip.height + 1, 0, tip.hash, Math.max(now, tip.timestamp + 1));
    const [result] = executeBlock(block, { ...this.pipeline.executionContext(), sealing: undefined }).results;
    if (!result) throw new Error('a dry run executes one transaction');
    return result;
  }

  proposeRules(files: RuleFileData[]): Submitted & { hash: string } {
    return this.intake.proposeRules(files);
  }

  approveRules(hash: string): Submitted {
    return this.intake.approveRules(hash);
  }

  /** Signs and queues one of this node's transactions (member and grant governance). */
  submitOwn(body: TxBody): Submitted {
    return this.intake.submitOwn(body);
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

  /** Applies a committed block; a promise when an applier stores it off this thread. */
  commit(block: Block, hash: string, certificate: CommitCertificate): void | Promise<void> {
    return this.pipeline.commit(block, hash, certificate);
  }
}
