import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ErrorCode, WaybillError } from '../common/index.js';
import type { ChainTip, PersistedState } from '../consensus/index.js';
import {
  type BlockExecution,
  type EvidenceEntry,
  type GovernanceChange,
  type RuleProposal,
  type TxResult,
  txLeaves,
  type VerdictLeaf,
} from '../execution/index.js';
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
import { eventsOf, submitterOf } from '../ledger/index.js';
import { ConsensusStateStore } from './consensus-state.js';
import { CustodyStore } from './custody-store.js';
import { EventIndex } from './event-index.js';
import { PendingLog } from './pending-log.js';
import { LEDGER_FILE, SCHEMA, SCHEMA_VERSION } from './schema.js';
import { SERVED_EVENT_COLUMNS, SERVED_EVENT_JOIN, type ServedEventRow, servedEvent } from './served-event.js';
import { joinBody, splitBody } from './tx-body.js';

export interface StoredTx {
  tx: Transaction;
  height: number;
  blockHash: string;
  success: boolean;
  errors: TxResult['errors'];
}

export interface StoredRejection {
  eventID: string;
  txId: string;
  height: number;
  code: string;
  message: string;
}

/** Evidence as committed: the entry plus where it was committed. */
export interface StoredEvidence extends EvidenceEntry {
  txId: string;
  blockHeight: number;
}

/** The roots a block left behind, which the next header carries. */
export interface BlockRoots {
  stateRoot: string;
  resultsRoot: string;
  rulesHash: string;
}

export interface StoreIdentity {
  network: string;
  genesisHash: string;
  genesisTimestamp: number;
}

type Statements = ReturnType<typeof prepare>;

interface RuleSetRow {
  hash: string;
  files: string;
  proposer: string;
  proposed_height: number;
  approvals: string;
  activation_height: number | null;
  activation_seq: number | null;
}

function proposalOf(row: RuleSetRow): RuleProposal {
  return {
    hash: row.hash,
    proposer: row.proposer,
    proposedHeight: row.proposed_height,
    approvals: JSON.parse(row.approvals) as string[],
    activationHeight: row.activation_height,
  };
}

/** A stored body and where its capture's events are (tx-body.ts). */
interface BodyRow {
  body: string;
  first_event: number | null;
  /** Events of the document: one verdict each. */
  events: number;
}

const BODY_COLUMNS = 'body, first_event, json_array_length(verdicts) AS events';

function prepare(db: Database.Database) {
  return {
    tip: db.prepare<[], { height: number; hash: string; header: string }>(
      'SELECT height, hash, header FROM blocks ORDER BY height DESC LIMIT 1',
    ),
    block: db.prepare<[number], { hash: string; header: string; certificate: string }>(
      'SELECT hash, header, certificate FROM blocks WHERE height = ?',
    ),
    blockTxs: db.prepare<[number], BodyRow & { id: string; signature: string }>(
      `SELECT id, ${BODY_COLUMNS}, signature FROM txs WHERE height = ? ORDER BY idx`,
    ),
    blockVerdicts: db.prepare<
      [number],
      BodyRow & { id: string; success: number; errors: string; verdicts: string }
    >(`SELECT id, ${BODY_COLUMNS}, success, errors, verdicts FROM txs WHERE height = ? ORDER BY idx`),
    tx: db.prepare<
      [string],
      BodyRow & { signature: string; height: number; success: number; errors: string }
    >(`SELECT ${BODY_COLUMNS}, signature, height, success, errors FROM txs WHERE id = ?`),
    docEvents: db.prepare<[number, number], { body: string }>(
      'SELECT body FROM doc_events WHERE id >= ? AND id < ? ORDER BY id',
    ),
    hasTx: db.prepare<[string], { one: number }>('SELECT 1 AS one FROM txs WHERE id = ?'),
    event: db.prepare<[string], ServedEventRow & { tx_id: string; height: number; position: number }>(
      `SELECT ${SERVED_EVENT_COLUMNS}, t.id AS tx_id, i.height AS height, i.doc_event - t.first_event AS position
       FROM event_index i ${SERVED_EVENT_JOIN}
       JOIN txs t ON t.height = i.height AND t.idx = i.tx_idx WHERE i.event_id = ?`,
    ),
    hasEvent: db.prepare<[string], { one: number }>('SELECT 1 AS one FROM event_index WHERE event_id = ?'),
    lastRejection: db.prepare<[string], { tx_id: string; height: number; code: string; message: string }>(
      'SELECT tx_id, height, code, message FROM rejections WHERE event_id = ? ORDER BY height DESC LIMIT 1',
    ),
    insertBlock: db.prepare('INSERT INTO blocks (height, hash, header, certificate) VALUES (?, ?, ?, ?)'),
    insertTx: db.prepare(
      'INSERT INTO txs (id, height, idx, org, submitter, body, first_event, signature, success, errors, verdicts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    insertDocEvent: db.prepare('INSERT INTO doc_events (body) VALUES (?)'),
    insertRejection: db.prepare(
      'INSERT OR REPLACE INTO rejections (event_id, tx_id, height, code, message) VALUES (?, ?, ?, ?, ?)',
    ),
    hasEvidence: db.prepare<[string], { one: number }>('SELECT 1 AS one FROM evidence WHERE id = ?'),
    insertEvidence: db.prepare(
      'INSERT INTO evidence (id, kind, member, height, round, reported_by, tx_id, block_height, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    evidence: db.prepare<
      [],
      {
        id: string;
        kind: string;
        member: string;
        height: number;
        round: number;
        reported_by: string;
        tx_id: string;
        block_height: number;
        body: string;
      }
    >('SELECT * FROM evidence ORDER BY block_height, rowid'),
    pending: db.prepare<[], { tx: string }>('SELECT tx FROM pending_txs ORDER BY seq'),
    addPending: db.prepare(
      'INSERT OR IGNORE INTO pending_txs (id, tx, seq) VALUES (?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM pending_txs))',
    ),
    deletePending: db.prepare('DELETE FROM pending_txs WHERE id = ?'),
    // error_declaration is set with the error_declarations row, in the same block (event-index.ts).
    eventOrigin: db.prepare<[string], { org: string; declared: number }>(
      'SELECT org, error_declaration AS declared FROM event_index WHERE event_id = ?',
    ),
    insertDeclaration: db.prepare(
      'INSERT INTO error_declarations (event_id, tx_id, height, body) VALUES (?, ?, ?, ?)',
    ),
    roots: db.prepare<[number], { state_root: string; results_root: string; rules_hash: string }>(
      'SELECT state_root, results_root, rules_hash FROM block_roots WHERE height = ?',
    ),
    insertRoots: db.prepare(
      'INSERT INTO block_roots (height, state_root, results_root, rules_hash) VALUES (?, ?, ?, ?)',
    ),
    ruleSet: db.prepare<[string], RuleSetRow>('SELECT * FROM rule_sets WHERE hash = ?'),
    ruleSets: db.prepare<[], RuleSetRow>('SELECT * FROM rule_sets ORDER BY proposed_height, rowid'),
    insertRuleSet: db.prepare(
      'INSERT INTO rule_sets (hash, files, proposer, proposed_height, approvals, activation_height, activation_seq) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    updateRuleSet: db.prepare(
      'UPDATE rule_sets SET approvals = ?, activation_height = ?, activation_seq = ? WHERE hash = ?',
    ),
    nextActivationSeq: db.prepare<[], { n: number }>(
      'SELECT COALESCE(MAX(activation_seq), 0) + 1 AS n FROM rule_sets',
    ),
    meta: db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
    putMeta: db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)'),
  };
}

/**
 * One node's ledger in SQLite. WAL with synchronous=FULL: a committed transaction is on disk
 * before the call returns, which is what lets consensus state be persisted before sending and an
 * acknowledged capture survive a crash. Blocks alone commit with synchronous=NORMAL (commitBlock).
 */
export class Store {
  private readonly db: Database.Database;
  private readonly q: Statements;
  private readonly identity: StoreIdentity;
  /** The committed custody state and its state tree. */
  readonly custody: CustodyStore;
  /** Query index, trace and named queries (event-index.ts). */
  readonly index: EventIndex;
  private readonly consensus: ConsensusStateStore;
  private readonly pendingLog = new PendingLog((txs) => this.writePending(txs));

  private constructor(db: Database.Database, identity: StoreIdentity) {
    this.db = db;
    this.identity = identity;
    this.custody = new CustodyStore(db);
    // Creates event_index, which the store's statements read.
    this.index = new EventIndex(db);
    this.q = prepare(db);
    this.consensus = new ConsensusStateStore(db);
  }

  static open(dataDir: string, identity: StoreIdentity): Store {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const db = new Database(join(dataDir, LEDGER_FILE), { timeout: 1_000 });
    try {
      // One process per data directory: two nodes on one ledger (and one key) could sign twice.
      db.pragma('locking_mode = EXCLUSIVE');
      db.pragma('journal_mode = WAL');
      db.exec('BEGIN IMMEDIATE; COMMIT;');
    } catch (err) {
      db.close();
      if ((err as { code?: string }).code !== 'SQLITE_BUSY') throw err;
      throw new WaybillError(
        ErrorCode.DataDirInUse,
        `data directory ${dataDir} is in use by another node process`,
      );
    }
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    checkSchemaVersion(db, dataDir);
    db.exec(SCHEMA);
    const store = new Store(db, identity);
    store.checkIdentity();
    return store;
  }

  /** Refuses a data directory that belongs to another network or genesis. */
  private checkIdentity(): void {
    const found = this.q.meta.get('genesisHash')?.value;
    if (found === undefined) {
      this.q.putMeta.run('genesisHash', this.identity.genesisHash);
      this.q.putMeta.run('network', this.identity.network);
      this.q.putMeta.run('schemaVersion', String(SCHEMA_VERSION));
      return;
    }
    if (found !== this.identity.genesisHash) {
      this.db.close();
      throw new WaybillError(
        ErrorCode.StorageCorrupt,
        `data directory belongs to another genesis (${found.slice(0, 12)}…); point dataDir elsewhere or remove it`,
      );
    }
  }

  /**
   * A consistent copy of the whole ledger at `dest`, taken with SQLite's online backup API while
   * the node runs: better-sqlite3 copies it a batch of pages per event-loop turn, and pages this
   * connection writes meanwhile are carried into the copy, so it is one committed state.
   * Returns the height of the copy's tip.
   */
  async backup(dest: string): Promise<number> {
    this.pendingLog.flush();
    await this.db.backup(dest);
    const copy = new Database(dest, { fileMustExist: true });
    try {
      // One self-contained file (the copy inherits WAL mode, which would need -wal/-shm beside it).
      copy.pragma('journal_mode = DELETE');
      return copy
        .prepare<[], { height: number }>('SELECT COALESCE(MAX(height), 0) AS height FROM blocks')
        .get()?.height as number;
    } finally {
      copy.close();
    }
  }

  close(): void {
    if (!this.db.open) return;
    this.pendingLog.flush();
    this.db.close();
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

  /** An accepted event, its transaction and height, and its position in the document's eventList. */
  getEvent(
    eventID: string,
  ): { event: EpcisEvent; txId: string; height: number; position: number } | undefined {
    const row = this.q.event.get(eventID);
    return row && { event: servedEvent(row), txId: row.tx_id, height: row.height, position: row.position };
  }

  /** The signed body of a stored transaction, its events put back (tx-body.ts). */
  private bodyOf(row: BodyRow): TxBody {
    if (row.first_event === null) return JSON.parse(row.body) as TxBody;
    const events = this.q.docEvents.all(row.first_event, row.first_event + row.events).map((e) => e.body);
    return joinBody(row.body, events);
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
    return this.q.blockVerdicts.all(height).flatMap((row): VerdictLeaf[] => {
      const body = this.bodyOf(row);
      if (body.kind !== 'capture') {
        return txLeaves(row.id, { success: row.success === 1, errors: JSON.parse(row.errors) });
      }
      const codes = JSON.parse(row.verdicts) as (string | null)[];
      const events = eventsOf({ id: row.id, body, signature: '' }).map((e, i) => {
        const code = codes[i] ?? null;
        return { eventID: e.eventID, accepted: code === null, code: code ?? undefined };
      });
      return txLeaves(row.id, { events });
    });
  }

  ruleProposal(hash: string): RuleProposal | undefined {
    const row = this.q.ruleSet.get(hash);
    return row && proposalOf(row);
  }

  ruleFiles(hash: string): RuleFileData[] | undefined {
    const row = this.q.ruleSet.get(hash);
    return row && (JSON.parse(row.files) as RuleFileData[]);
  }

  /** Every proposed rule set, oldest first, with the order activations were scheduled in. */
  ruleProposals(): (RuleProposal & { activationSeq: number | null })[] {
    return this.q.ruleSets.all().map((r) => ({ ...proposalOf(r), activationSeq: r.activation_seq }));
  }

  hasEvidence(id: string): boolean {
    return this.q.hasEvidence.get(id) !== undefined;
  }

  listEvidence(): StoredEvidence[] {
    return this.q.evidence.all().map((r) => ({
      id: r.id,
      kind: r.kind as StoredEvidence['kind'],
      member: r.member,
      height: r.height,
      round: r.round,
      reportedBy: r.reported_by,
      txId: r.tx_id,
      blockHeight: r.block_height,
      evidence: JSON.parse(r.body),
    }));
  }

  /**
   * A block and everything it changes, in one SQLite transaction: transactions, events and
   * verdicts, evidence, error declarations, governance, custody state and its tree, and the
   * block's roots. The in-memory tree moves on only once the transaction has committed.
   */
  commitBlock(committed: CommittedBlock, execution: BlockExecution): void {
    // Without its own fsync (synchronous=NORMAL), which the next FULL commit (the next consensus
    // persist, before this node signs anything at the next height) does for it: the WAL is synced
    // as one file, in order. A block lost to power failure before that is certified elsewhere and
    // is fetched again, since the persisted consensus state is not past it. docs/consensus.md,
    // "Crash safety".
    this.db.pragma('synchronous = NORMAL');
    try {
      this.writeBlock(committed, execution);
    } finally {
      this.db.pragma('synchronous = FULL');
    }
  }

  private writeBlock(committed: CommittedBlock, execution: BlockExecution): void {
    const { block, hash, certificate } = committed;
    const height = block.header.height;
    const tree = this.db.transaction(() => {
      this.q.insertBlock.run(height, hash, JSON.stringify(block.header), JSON.stringify(certificate));
      const rows = execution.results.map((r, idx) => this.insertResult(r, height, idx));
      this.index.indexBlock(height, execution.results, rows);
      this.index.indexHolders(execution.custody);
      const staged = this.custody.write(execution.custody);
      this.q.insertRoots.run(height, staged.root, execution.resultsRoot, execution.rulesHash);
      return staged;
    })();
    tree.apply();
  }

  /** Stores one transaction's result; returns the doc_events rows of its accepted events. */
  private insertResult(r: TxResult, height: number, idx: number): number[] {
    const { tx } = r;
    const { envelope, events } = splitBody(tx.body);
    const rows = events.map((e) => Number(this.q.insertDocEvent.run(JSON.stringify(e)).lastInsertRowid));
    this.q.insertTx.run(
      tx.id,
      height,
      idx,
      tx.body.org,
      submitterOf(tx),
      JSON.stringify(envelope),
      rows[0] ?? null,
      tx.signature,
      r.success ? 1 : 0,
      JSON.stringify(r.errors),
      JSON.stringify(r.verdicts.map((v) => (v.accepted ? null : (v.code ?? 'REJECTED')))),
    );
    for (const v of r.rejected) {
      this.q.insertRejection.run(v.eventID, tx.id, height, v.code ?? 'REJECTED', v.message ?? '');
    }
    for (const d of r.declarations) {
      this.q.insertDeclaration.run(d.eventID, tx.id, height, JSON.stringify(d));
    }
    const e = r.evidence;
    if (e) {
      this.q.insertEvidence.run(
        e.id,
        e.kind,
        e.member,
        e.height,
        e.round,
        e.reportedBy,
        tx.id,
        height,
        JSON.stringify(e.evidence),
      );
    }
    if (r.governance) this.recordGovernance(r.governance);
    this.q.deletePending.run(tx.id);
    return acceptedRows(r, events, rows);
  }

  /** Activation order breaks ties between rule sets activating at the same height. */
  private recordGovernance(change: GovernanceChange): void {
    const p = change.proposal;
    const row = this.q.ruleSet.get(p.hash);
    const activated = p.activationHeight !== null && (row?.activation_height ?? null) === null;
    const seq = activated ? (this.q.nextActivationSeq.get()?.n ?? 1) : (row?.activation_seq ?? null);
    const approvals = JSON.stringify(p.approvals);
    if (change.type === 'proposed') {
      const files = JSON.stringify(change.files);
      this.q.insertRuleSet.run(
        p.hash,
        files,
        p.proposer,
        p.proposedHeight,
        approvals,
        p.activationHeight,
        seq,
      );
    } else {
      this.q.updateRuleSet.run(approvals, p.activationHeight, seq, p.hash);
    }
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
    return this.q.pending.all().map((r) => JSON.parse(r.tx) as Transaction);
  }

  /**
   * Remembers one of this node's transactions until it commits; resolves once it is on disk,
   * written with the others of this event-loop turn (pending-log.ts).
   */
  addPending(tx: Transaction): Promise<void> {
    return this.pendingLog.add(tx);
  }

  /** The durable write `id` still waits for, if it does. */
  pendingWrite(id: string): Promise<void> | undefined {
    return this.pendingLog.pending(id);
  }

  private writePending(txs: readonly Transaction[]): void {
    this.db.transaction(() => {
      // One that committed while it waited for this write needs no remembering.
      for (const tx of txs) if (!this.hasTx(tx.id)) this.q.addPending.run(tx.id, JSON.stringify(tx));
    })();
  }
}

/**
 * The doc_events rows of a result's accepted events, in the order of `r.accepted`: the document's
 * events whose verdict is accepted and that declare no error (execution/execute.ts settle).
 */
function acceptedRows(r: TxResult, events: readonly unknown[], rows: readonly number[]): number[] {
  const accepted = rows.filter(
    (_, i) => r.verdicts[i]?.accepted === true && !(events[i] as EpcisEvent | undefined)?.errorDeclaration,
  );
  // Joining a body back reads one row per verdict (BodyRow): a mismatch would serve wrong events.
  if (events.length !== r.verdicts.length || accepted.length !== r.accepted.length)
    throw new WaybillError(
      ErrorCode.StorageCorrupt,
      `transaction ${r.tx.id}: ${events.length} events and ${r.verdicts.length} verdicts, ` +
        `${r.accepted.length} accepted and ${accepted.length} accepted in its document`,
    );
  return accepted;
}

/** A data directory written by another schema version is refused with what to do about it. */
function checkSchemaVersion(db: Database.Database, dataDir: string): void {
  const hasMeta = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get();
  if (!hasMeta) return;
  const row = db.prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'schemaVersion'").get();
  if (row === undefined || row.value === String(SCHEMA_VERSION)) return;
  db.close();
  throw new WaybillError(
    ErrorCode.StorageCorrupt,
    `data directory ${dataDir} holds a ledger of schema version ${row.value}; this node writes version ${SCHEMA_VERSION} ` +
      'and cannot carry the old chain over: start a new network (waybill network init) or point dataDir elsewhere',
  );
}
