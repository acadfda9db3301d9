import type Database from 'better-sqlite3';
import type { ChainTip, PersistedState } from '../consensus/index.js';
import type { BlockExecution, RuleProposal, VerdictLeaf } from '../execution/index.js';
import type {
  Block,
  BlockHeader,
  CommitCertificate,
  CommittedBlock,
  EpcisEvent,
  RuleFileData,
  Transaction,
  TxBody,
} from '../ledger/index.js';
import { AckStore } from './acks.js';
import { CaptureContexts } from './capture-contexts.js';
import { ConsensusStateStore } from './consensus-state.js';
import type { CommittedCustody } from './custody-store.js';
import { CustodyStore } from './custody-store.js';
import { EventIndex } from './event-index.js';
import { EvidenceStore, type StoredEvidence } from './evidence-store.js';
import { checkIdentity, claimDataDir, openLedgerDb, type StoreIdentity } from './ledger-db.js';
import { MembershipStore } from './membership-store.js';
import { copyLedger } from './restore.js';
import { RuleSetStore } from './rule-sets.js';
import { SealedStore } from './sealed-store.js';
import { servedEvent } from './served-event.js';
import {
  type BlockRoots,
  type BodyRow,
  prepare,
  type Statements,
  type StoredRejection,
  type StoredTx,
} from './store-statements.js';
import { joinBody } from './tx-body.js';
import { TxResultWriter } from './tx-results.js';
import { verdictLeavesOf } from './verdict-leaves.js';

export type { StoreIdentity } from './ledger-db.js';
export type { BlockRoots, StoredRejection, StoredTx } from './store-statements.js';

/**
 * One node's ledger in SQLite. WAL with synchronous=FULL: a committed transaction is on disk
 * before the call returns, which is what lets consensus state be persisted before sending. Blocks
 * alone commit with synchronous=NORMAL (commitBlock); acknowledged captures have a file (acks.ts).
 */
export class Store {
  private readonly db: Database.Database;
  private readonly q: Statements;
  private readonly identity: StoreIdentity;
  /** The committed custody state and its state tree. */
  readonly custody: CustodyStore;
  /** Query index, trace and named queries (event-index.ts). */
  readonly index: EventIndex;
  /** Member and grant governance (membership-store.ts). */
  readonly membership: MembershipStore;
  /** The capture document's @context of an accepted event (EPCIS XML answers). */
  readonly contexts: CaptureContexts;
  private readonly consensus: ConsensusStateStore;
  /** Sealed networks: plaintext this node's org receives, and capture keys (sealed-store.ts). */
  readonly sealed: SealedStore;
  /** Rule sets proposed, approved and activated by governance (rule-sets.ts). */
  private readonly ruleSets: RuleSetStore;
  /** Committed evidence of equivocation (evidence-store.ts). */
  private readonly evidence: EvidenceStore;
  /** Writes each transaction's result of a block (tx-results.ts). */
  private readonly results: TxResultWriter;
  /** A block being written by another connection (the block writer thread), until it settles. */
  private blockWrite: Promise<void> | undefined;
  /** The acknowledged file, opened by the main connection only: never by the block writer. */
  private acks: AckStore | undefined;

  private constructor(
    db: Database.Database,
    identity: StoreIdentity,
    /** The data directory's claim (ledger-db.ts), held by the main connection only. */
    private readonly claim: Database.Database | undefined,
  ) {
    this.db = db;
    this.identity = identity;
    // Creates sealed_events, which served events join (served-event.ts).
    this.sealed = new SealedStore(db);
    this.custody = new CustodyStore(db);
    // Creates event_index, which the store's statements read.
    this.index = new EventIndex(db);
    this.membership = new MembershipStore(db);
    this.contexts = new CaptureContexts(db);
    this.q = prepare(db);
    this.consensus = new ConsensusStateStore(db);
    this.ruleSets = new RuleSetStore(db);
    this.evidence = new EvidenceStore(db);
    this.results = new TxResultWriter(db, {
      evidence: this.evidence,
      ruleSets: this.ruleSets,
      membership: this.membership,
    });
  }

  static open(dataDir: string, identity: StoreIdentity): Store {
    const claim = claimDataDir(dataDir);
    let db: Database.Database | undefined;
    try {
      db = openLedgerDb(dataDir);
      checkIdentity(db, identity);
      const store = new Store(db, identity, claim);
      store.acks = AckStore.open(dataDir, db, (id) => store.hasTx(id));
      return store;
    } catch (err) {
      if (db?.open) db.close();
      claim.close();
      throw err;
    }
  }

  /**
   * Another connection to a ledger this process opened with `open` (which claimed the data
   * directory): the block writer thread's. Blocks are its only writes, so it commits without its
   * own fsync (see commitBlock).
   */
  static attach(dataDir: string, identity: StoreIdentity): Store {
    const db = openLedgerDb(dataDir);
    checkIdentity(db, identity);
    return new Store(db, identity, undefined);
  }

  /**
   * A consistent copy of the whole ledger at `dest` while the node runs (restore.ts `copyLedger`),
   * with every acknowledged entry written into it (acks.ts `copyInto`), committed or not: one
   * file, which restore copies back and opening moves the entries out of. Returns the tip height.
   */
  backup(dest: string): Promise<number> {
    const acks = this.ackFile();
    return acks.holdingDrops(() => copyLedger(this.db, dest, (copy) => acks.copyInto(copy)));
  }

  isOpen(): boolean {
    return this.db.open;
  }

  close(): void {
    if (!this.db.open) return;
    this.acks?.close();
    this.db.close();
    this.claim?.close();
  }

  tip(): ChainTip {
    const row = this.q.tip.get();
    if (!row)
      return { height: 0, hash: this.identity.genesisHash, timestamp: this.identity.genesisTimestamp };
    const header = JSON.parse(row.header) as BlockHeader;
    return { height: row.height, hash: row.hash, timestamp: header.timestamp };
  }

  getBlock(height: number): CommittedBlock | undefined {
    const row = this.q.block.get(height);
    if (!row) return undefined;
    const txs = this.q.blockTxs
      .all(height)
      .map((t): Transaction => ({ id: t.id, body: this.bodyOf(t), signature: t.signature }));
    const block: Block = { header: JSON.parse(row.header), txs };
    return { hash: row.hash, block, certificate: JSON.parse(row.certificate) as CommitCertificate };
  }

  hasTx(id: string): boolean {
    return this.q.hasTx.get(id) !== undefined;
  }

  getTx(id: string): StoredTx | undefined {
    const row = this.q.tx.get(id);
    if (!row) return undefined;
    const blockHash = this.q.block.get(row.height)?.hash ?? '';
    return {
      tx: { id, body: this.bodyOf(row), signature: row.signature },
      height: row.height,
      blockHash,
      success: row.success === 1,
      errors: JSON.parse(row.errors),
    };
  }

  hasEvent(eventID: string): boolean {
    return this.q.hasEvent.get(eventID) !== undefined;
  }

  /**
   * A committed event as served, its transaction and height, and its position in the document's
   * eventList. `view: 'public'` serves a sealed event's public view even where this
   * node holds its sealed fields: for a caller that may see the event but is not its recipient.
   */
  getEvent(
    eventID: string,
    view: 'whole' | 'public' = 'whole',
  ): { event: EpcisEvent; txId: string; height: number; position: number } | undefined {
    const found = this.q.event.get(eventID);
    const row = found && view === 'public' ? { ...found, sealed: null } : found;
    return row && { event: servedEvent(row), txId: row.tx_id, height: row.height, position: row.position };
  }

  /** The signed body of a stored transaction, its events put back (tx-body.ts). */
  private bodyOf(row: BodyRow): TxBody {
    if (row.first_event === null) return JSON.parse(row.body) as TxBody;
    const events = this.q.docEvents.all(row.first_event, row.first_event + row.events).map((e) => e.body);
    return joinBody(row.body, events);
  }

  ruleProposal(hash: string): RuleProposal | undefined {
    return this.ruleSets.proposal(hash);
  }

  ruleFiles(hash: string): RuleFileData[] | undefined {
    return this.ruleSets.files(hash);
  }

  /** Every proposed rule set, oldest first, with the order activations were scheduled in. */
  ruleProposals(): (RuleProposal & { activationSeq: number | null })[] {
    return this.ruleSets.all();
  }

  hasEvidence(id: string): boolean {
    return this.evidence.has(id);
  }

  listEvidence(): StoredEvidence[] {
    return this.evidence.list();
  }

  lastRejection(eventID: string): StoredRejection | undefined {
    const row = this.q.lastRejection.get(eventID);
    return row && { eventID, txId: row.tx_id, height: row.height, code: row.code, message: row.message };
  }

  eventOrigin(eventID: string): { org: string; declared: boolean } | undefined {
    const row = this.q.eventOrigin.get(eventID);
    return row && { org: row.org, declared: row.declared === 1 };
  }

  /** The roots block `height` left behind (undefined before it is committed; height 0 is genesis). */
  blockRoots(height: number): BlockRoots | undefined {
    const row = this.q.roots.get(height);
    return row && { stateRoot: row.state_root, resultsRoot: row.results_root, rulesHash: row.rules_hash };
  }

  /** The verdict leaves of a committed block (execution/results.ts), rebuilt from what was stored. */
  verdictLeaves(height: number): VerdictLeaf[] {
    return verdictLeavesOf(this.q.blockVerdicts.all(height), (row) => this.bodyOf(row));
  }

  /**
   * A block and everything it changes, in one SQLite transaction: transactions, events and
   * verdicts, evidence, error declarations, governance, custody state and its tree, and the
   * block's roots. The in-memory tree moves on only once the transaction has committed.
   */
  commitBlock(committed: CommittedBlock, execution: BlockExecution): CommittedCustody {
    return this.executeAndCommit(committed, () => execution).custody;
  }

  /**
   * `commitBlock` of the execution `execute` returns, run inside the block's transaction: the
   * execution's reads of the committed state (an object, an eventID per event) then share one
   * read snapshot instead of each starting and ending its own (WAL locks, a check of the WAL
   * index each), and nothing can commit between what execution read and what the block writes.
   */
  executeAndCommit<E extends BlockExecution>(
    committed: CommittedBlock,
    execute: () => E,
  ): { execution: E; custody: CommittedCustody } {
    // Without its own fsync (synchronous=NORMAL), which the next FULL commit (the next consensus
    // persist, before this node signs anything at the next height) does for it: the WAL is synced
    // as one file, in order. A block lost to power failure before that is certified elsewhere and
    // is fetched again, since the persisted consensus state is not past it. docs/consensus.md,
    // "Crash safety".
    this.db.pragma('synchronous = NORMAL');
    try {
      // IMMEDIATE: the write lock from the start, so no other connection's commit can come
      // between the reads and the writes (a deferred read would then fail to become a write).
      const { execution, staged } = this.db
        .transaction(() => {
          const execution = execute();
          return { execution, staged: this.writeBlock(committed, execution) };
        })
        .immediate();
      staged.apply();
      // Applied on the main connection (the simulator, in-process tests): its pending entries go now.
      this.acks?.drop(committed.block.txs.map((tx) => tx.id));
      return { execution, custody: staged.committed };
    } finally {
      this.db.pragma('synchronous = FULL');
    }
  }

  /**
   * Another connection of this process is writing a block (`writing`, until it settles): this
   * connection's own ledger writes wait for it (`whenNoBlockWrite`) instead of blocking the event
   * loop on SQLite's lock. Once it has committed, `adoptBlock` its in-memory side.
   */
  blockWriting(writing: Promise<unknown>): void {
    const settled = writing.then(
      () => undefined,
      () => undefined,
    );
    this.blockWrite = settled;
    void settled.then(() => {
      if (this.blockWrite === settled) this.blockWrite = undefined;
    });
  }

  /**
   * Runs `read` in one read transaction: its reads share one snapshot, so a block the block
   * writer thread commits meanwhile is seen by all of them or by none.
   */
  readSnapshot<T>(read: () => T): T {
    return this.db.transaction(read).deferred();
  }

  /**
   * A block is being written by another connection, or is written and its in-memory side (the
   * custody tree) not yet adopted: this connection's reads may then be a block ahead of the tree.
   */
  blockWriteInProgress(): boolean {
    return this.blockWrite !== undefined;
  }

  /**
   * Runs `write` (on this connection) once no block is being written by another connection, in
   * the same synchronous run as the check: between an awaited "no block write" and a later write,
   * the driver could hand the next block over, and the write would then block the event loop on
   * SQLite's lock (and fail with SQLITE_BUSY after the busy timeout, for a block longer than that).
   */
  async whenNoBlockWrite<T>(write: () => T): Promise<T> {
    while (this.blockWrite) await this.blockWrite;
    return write();
  }

  /**
   * The in-memory side of a block another connection committed (custody-store.ts `adopt`); its
   * transactions' pending entries go (docs/architecture.md, "Acknowledged captures", on why
   * after a commit with synchronous=NORMAL). Never in the block's transaction: that holds the lock.
   */
  adoptBlock(custody: CommittedCustody, txIds: readonly string[]): void {
    this.custody.adopt(custody);
    this.ackFile().drop(txIds);
  }

  /** The acknowledged file; the block writer's connection has none, and must not write one. */
  private ackFile(): AckStore {
    if (!this.acks) throw new Error('the acknowledged file is the main connection’s (Store.open)');
    return this.acks;
  }

  /** The block's rows, inside its transaction; the custody tree's `apply` once it has committed. */
  private writeBlock(committed: CommittedBlock, execution: BlockExecution) {
    const { block, hash, certificate } = committed;
    const height = block.header.height;
    this.q.insertBlock.run(height, hash, JSON.stringify(block.header), JSON.stringify(certificate));
    const rows = execution.results.map((r, idx) => this.results.insert(r, height, idx));
    this.index.indexBlock(height, execution.results, rows);
    this.index.indexHolders(execution.custody);
    const staged = this.custody.write(execution.custody);
    this.q.insertRoots.run(height, staged.root, execution.resultsRoot, execution.rulesHash);
    return staged;
  }

  loadConsensusState(): PersistedState | null {
    return this.consensus.load();
  }

  /** Durable (fsync) when it returns: candidate blocks are written once (consensus-state.ts). */
  saveConsensusState(state: PersistedState): void {
    this.consensus.save(state);
  }

  /** Transactions this node acknowledged (202) and has not yet seen committed. */
  pendingTxs(): Transaction[] {
    return this.ackFile().pending();
  }

  /**
   * Remembers one of this node's transactions until it commits; resolves once it is on disk,
   * written with the others of this event-loop turn (pending-log.ts).
   */
  addPending(tx: Transaction): Promise<void> {
    return this.ackFile().log.add(tx);
  }

  /** Which transaction a sealed capture became (capture_keys), written with this turn's pending ones. */
  addCaptureKey(key: string, txId: string): Promise<void> {
    return this.ackFile().log.addCaptureKey([key, txId]);
  }

  /** The transaction a sealed capture's key became, once durable; kept after it commits. */
  captureKey(key: string): string | undefined {
    return this.ackFile().captureKey(key);
  }

  /** The durable write `id` still waits for, if it does. */
  pendingWrite(id: string): Promise<void> | undefined {
    return this.ackFile().log.pending(id);
  }
}
