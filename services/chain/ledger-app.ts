import { ErrorCode, fromHex, hashOf, WaybillError } from '../common/index.js';
import type { Genesis } from '../config/index.js';
import type { ConsensusMessage, Evidence } from '../consensus/index.js';
import { type Clock, verifyEvidence } from '../consensus/index.js';
import { EMPTY_STATE_ROOT, idKey, type ObjectState } from '../contracts/index.js';
import type { Signer } from '../crypto/index.js';
import { verify } from '../crypto/index.js';
import {
  assignEventIds,
  checkCaptureEvents,
  DEFAULT_MAX_EVENTS,
  MAX_URI_LENGTH,
  validateCaptureDocument,
} from '../epcis/index.js';
import {
  type BlockExecution,
  type ExecutionContext,
  executeBlock,
  type TxResult,
} from '../execution/index.js';
import {
  type Block,
  type BlockHeader,
  type CaptureTxBody,
  type CommitCertificate,
  type CommittedBlock,
  EMPTY_ROOT,
  eventsOf,
  type InvalidCaptureEvent,
  idMatchesBody,
  type RuleFileData,
  type SubmitContext,
  signTx,
  type Transaction,
  type TxBody,
  txRootOf,
  verifyTx,
} from '../ledger/index.js';
import type { Mempool } from '../mempool/index.js';
import { GenesisGrants, Recipients, type RecipientsBook, type SealingConfig } from '../privacy/index.js';
import type { Store } from '../storage/index.js';
import { type AppRoots, MAX_RULES_BYTES, rootsDiffer, rulesAreWellFormed } from './block-checks.js';
import { adoptKnownTxs } from './known-txs.js';
import type { RuleRegistry } from './rules-book.js';
import { SealedCaptures } from './sealed-capture.js';

/** The header fields that commit to the application state: the parent's roots and the rules. */

/** One of this node's transactions as queued: `durable` resolves once it is on disk. */
export interface Submitted {
  tx: Transaction;
  /** False when the transaction was already queued or committed (a client's retry). */
  fresh: boolean;
  durable: Promise<void>;
}

export interface LedgerAppDeps {
  genesis: Genesis;
  self: string;
  store: Store;
  mempool: Mempool;
  signer: Signer;
  rules: RuleRegistry;
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
}

/** Called once per committed block, after its SQLite transaction. */
export type OnCommitted = (committed: CommittedBlock, execution: BlockExecution) => void;

const VERIFIED_CACHE = 50_000;

/**
 * The application that consensus orders for: capture transactions in, blocks out. It decides
 * what a valid transaction is (the same answer on every node) and applies committed blocks.
 */
export class LedgerApp {
  private readonly memberKeys: Map<string, Uint8Array>;
  /**
   * Transactions already checked in full: id -> signature, oldest first. A map rather than a set
   * of "id:signature" strings, so a lookup builds no string.
   */
  private readonly verified = new Map<string, string>();
  /** When this node acknowledged its own pending transactions (for commit latency). */
  private readonly acknowledged = new Map<string, number>();
  private readonly recipients: RecipientsBook;
  private readonly sealed: SealedCaptures<Submitted> | undefined;

  constructor(private readonly deps: LedgerAppDeps) {
    this.memberKeys = new Map(deps.genesis.members.map((m) => [m.id, fromHex(m.publicKey)]));
    this.recipients =
      deps.recipients ?? new Recipients(deps.genesis.members, new GenesisGrants(deps.genesis.grants ?? []));
    this.sealed = deps.sealing && new SealedCaptures(deps.sealing, deps.store);
  }

  /**
   * A client's capture: validated, signed by this node and queued; `durable` resolves once it is
   * remembered on disk, which is when the client may be told it was accepted (202).
   */
  submit(document: unknown, ctx: SubmitContext): Submitted {
    if (this.sealed) throw new Error('a sealed network seals captures: call submitCapture');
    return this.submitOwn(this.captureBody(document, ctx));
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
    const body = this.captureBody(document, ctx);
    if (!this.sealed) return this.submitOwn(body);
    const { store } = this.deps;
    const now = this.deps.clock();
    return this.sealed.submit(
      body,
      (plain) => this.dryRunBody(plain, now),
      store.tip().height + 1,
      (sealed) => this.submitOwn(sealed),
      (txId) => ({
        tx: this.deps.mempool.get(txId) ?? { id: txId, body, signature: '' },
        fresh: false,
        durable: store.pendingWrite(txId) ?? Promise.resolve(),
      }),
    );
  }

  /**
   * A validated document, every event with its eventID, as this node's capture transaction body.
   * Under rollback any invalid event refuses the whole document; under proceed the valid events
   * go on and the invalid ones are named in the body with their first reason (refused only when
   * no event is valid).
   */
  private captureBody(document: unknown, ctx: SubmitContext): CaptureTxBody {
    const checked = checkCaptureEvents(document);
    const refused = !checked.ok
      ? checked.errors
      : ctx.errorBehaviour === 'rollback'
        ? flatErrors(checked.invalid)
        : [];
    if (!checked.ok || refused.length > 0) {
      throw new WaybillError(ErrorCode.ValidationFailed, 'the EPCIS document is not valid', {
        errors: refused,
      });
    }
    const assigned = assignEventIds(checked.valid, checked.document['@context']);
    const events = this.eventIds(checked.valid, assigned);
    const doc = { ...checked.document, epcisBody: { ...checked.document.epcisBody, eventList: events } };
    const { genesis, self } = this.deps;
    const body: CaptureTxBody = {
      kind: 'capture',
      network: genesis.network,
      org: self,
      submitter: ctx.submitter,
      errorBehaviour: ctx.errorBehaviour,
      document: doc,
    };
    if (checked.invalid.length > 0) body.invalid = checked.invalid.map(invalidEvent(checked.document));
    return body;
  }

  /**
   * Evaluates a document against the committed state as the next block would, without ordering
   * or storing anything: the verdicts a capture would get now (`POST /capture?dryRun=true`).
   */
  dryRun(document: unknown, ctx: SubmitContext, now: number): TxResult {
    return this.dryRunBody(this.captureBody(document, ctx), now);
  }

  /** A plaintext body executed as the next block would, sealing checks left out. */
  private dryRunBody(body: CaptureTxBody, now: number): TxResult {
    const { store } = this.deps;
    const tx: Transaction = { id: hashOf(body), body, signature: '' };
    const tip = store.tip();
    const block = this.buildHeaderFor([tx], tip.height + 1, 0, tip.hash, Math.max(now, tip.timestamp + 1));
    const [result] = executeBlock(block, { ...this.executionContext(), sealing: undefined }).results;
    if (!result) throw new Error('a dry run executes one transaction');
    return result;
  }

  /** A rule-set proposal by this node's org (governance; the files' text goes on the ledger). */
  proposeRules(files: RuleFileData[]): Submitted & { hash: string } {
    // Peers refuse a larger proposal (contentIsValid); this node's own would skip that check.
    if (!rulesAreWellFormed(files)) {
      throw new WaybillError(ErrorCode.ValidationFailed, 'the proposed rule files are too large', {
        errors: [{ field: 'files', message: `must hold at most ${MAX_RULES_BYTES} bytes of names and text` }],
      });
    }
    const { hash, problems } = this.deps.rules.check(files);
    if (problems.length > 0) {
      throw new WaybillError(ErrorCode.ValidationFailed, 'the proposed rule files do not compile', {
        errors: problems.map((message) => ({ field: 'files', message })),
      });
    }
    const { genesis, self } = this.deps;
    return {
      ...this.submitOwn({ kind: 'rules_proposal', network: genesis.network, org: self, files }),
      hash,
    };
  }

  approveRules(hash: string): Submitted {
    if (!this.deps.rules.proposal(hash)) {
      throw new WaybillError(ErrorCode.NotFound, `no committed rule-set proposal ${hash}`);
    }
    const { genesis, self } = this.deps;
    return this.submitOwn({ kind: 'rules_approval', network: genesis.network, org: self, hash });
  }

  /**
   * Signs one of this node's transactions and queues it, unless it is already known. A repeat
   * of a transaction whose write is still under way waits for that write too.
   */
  private submitOwn(body: TxBody): Submitted {
    const { signer, store, mempool } = this.deps;
    const tx = signTx(body, signer);
    if (store.hasTx(tx.id) || mempool.has(tx.id)) {
      return { tx, fresh: false, durable: store.pendingWrite(tx.id) ?? Promise.resolve() };
    }
    return { tx, fresh: true, durable: this.enqueue(tx) };
  }

  /** The committed custody state of an object (EPC URI or GS1 Digital Link URI). */
  object(id: string): ObjectState | undefined {
    return this.deps.store.custody.getObject(idKey(id));
  }

  /**
   * Equivocation seen by consensus: this node signs it as an evidence transaction, so the
   * consortium commits it on the ledger. Reports of the same equivocation by several nodes are
   * recorded once (execution/evidence.ts).
   */
  reportEvidence(evidence: Evidence): Transaction | undefined {
    const { genesis, self, signer, store, mempool } = this.deps;
    const body = {
      kind: 'evidence' as const,
      network: genesis.network,
      org: self,
      evidence: { ...evidence },
    };
    const tx = signTx(body, signer);
    if (store.hasTx(tx.id) || mempool.has(tx.id)) return undefined;
    try {
      this.enqueue(tx);
    } catch {
      return undefined; // a full mempool: another member's report will carry it
    }
    return tx;
  }

  /** Queues one of this node's own transactions, and remembers it on disk until it commits. */
  private enqueue(tx: Transaction): Promise<void> {
    const now = this.deps.clock();
    this.deps.mempool.add(tx, sizeOf(tx), now);
    const durable = this.deps.store.addPending(tx);
    this.remember(tx);
    this.acknowledged.set(tx.id, now);
    return durable;
  }

  /**
   * Transactions gossiped by peers: kept only if valid. Returns those that were new.
   * `wireBytes` is the size of the message that carried them: each transaction is counted as its
   * share of it (the mempool's limits are on totals), so none is serialised again to be measured.
   */
  receive(txs: readonly Transaction[], wireBytes?: number): Transaction[] {
    const { store, mempool } = this.deps;
    const added: Transaction[] = [];
    for (const tx of txs) {
      if (mempool.has(tx.id) || store.hasTx(tx.id) || !this.checkTx(tx)) continue;
      const bytes = wireBytes === undefined ? sizeOf(tx) : Math.ceil(wireBytes / txs.length);
      try {
        if (mempool.add(tx, bytes, this.deps.clock())) added.push(tx);
      } catch {
        // Full or conflicting: the origin node keeps it and gossips it again later.
      }
    }
    return added;
  }

  /** Transaction validity: same answer on every node for the same committed state. */
  checkTx(tx: Transaction): boolean {
    // The cache may skip the signature and document checks, never the binding of id to body:
    // a faulty proposer could otherwise pair a known id with another body or signature.
    // idMatchesBody hashes each transaction object once (a re-check of the same object is free).
    if (!idMatchesBody(tx)) return false;
    if (this.verified.get(tx.id) === tx.signature) return true;
    const key = this.memberKeys.get(tx.body.org);
    if (!key || tx.body.network !== this.deps.genesis.network) return false;
    if (!verifyTx(tx, key, verify) || !this.contentIsValid(tx)) return false;
    this.remember(tx);
    return true;
  }

  private contentIsValid(tx: Transaction): boolean {
    const { body } = tx;
    switch (body.kind) {
      case 'evidence':
        return verifyEvidence(body.evidence as unknown as Evidence, body.network, this.memberKeys, verify);
      case 'rules_proposal':
        return rulesAreWellFormed(body.files) && this.deps.rules.check(body.files).problems.length === 0;
      case 'rules_approval':
        return typeof body.hash === 'string' && /^[0-9a-f]{64}$/.test(body.hash);
      case 'capture': {
        const checked = validateCaptureDocument(body.document);
        return (
          checked.ok &&
          eventsOf(tx).every((e) => typeof e.eventID === 'string') &&
          invalidListIsWellFormed(body)
        );
      }
      default:
        return false;
    }
  }

  /** A peer's proposal or decision with the transactions this node holds verified (known-txs.ts). */
  adoptKnownTxs(message: ConsensusMessage): ConsensusMessage {
    return adoptKnownTxs(message, this.deps.mempool);
  }

  validateBlock(block: Block): boolean {
    const expected = this.rootsFor(block.header.height);
    if (!expected || rootsDiffer(block.header, expected)) return false;
    const ids = new Set<string>();
    for (const tx of block.txs) {
      if (ids.has(tx.id) || this.deps.store.hasTx(tx.id) || !this.checkTx(tx)) return false;
      ids.add(tx.id);
    }
    return true;
  }

  /**
   * Local policy, not validity: a proposal that leaves out one of this node's own transactions,
   * pending past the censorship timeout although the block had room for it, gets a nil prevote.
   * Only own transactions count: the origin re-announces them, so every connected member has had
   * them long before the timeout.
   */
  acceptProposal(block: Block, now: number): boolean {
    const { genesis, self, mempool } = this.deps;
    const { maxBlockTxs, maxBlockBytes, censorshipTimeoutMs } = genesis.consensus;
    if (block.txs.length >= maxBlockTxs) return true;
    const included = new Set(block.txs.map((t) => t.id));
    let blockBytes: number | undefined;
    for (const tx of mempool.waitingSince(now - censorshipTimeoutMs)) {
      if (tx.body.org !== self || included.has(tx.id)) continue;
      blockBytes ??= block.txs.reduce((n, t) => n + sizeOf(t), 0);
      if (blockBytes + mempool.bytesOf(tx.id) <= maxBlockBytes) return false;
    }
    return true;
  }

  buildBlock(height: number, round: number, parentHash: string, minTimestamp: number, now: number): Block {
    const { genesis, mempool, store } = this.deps;
    const limits = genesis.consensus;
    const txs = mempool.take(limits.maxBlockTxs, limits.maxBlockBytes).filter((t) => !store.hasTx(t.id));
    return this.buildHeaderFor(txs, height, round, parentHash, Math.max(now, minTimestamp));
  }

  private buildHeaderFor(
    txs: Transaction[],
    height: number,
    round: number,
    parentHash: string,
    timestamp: number,
  ): Block {
    const { genesis, self } = this.deps;
    const roots = this.rootsFor(height);
    if (!roots) throw new Error(`block ${height - 1} is not committed here; cannot build block ${height}`);
    const header: BlockHeader = {
      network: genesis.network,
      height,
      view: round,
      parentHash,
      txRoot: txRootOf(txs),
      txCount: txs.length,
      proposer: self,
      timestamp,
      ...roots,
    };
    return { header, txs };
  }

  /** What the header at `height` must carry: the roots block height-1 left and the rules in force. */
  private rootsFor(height: number): AppRoots | undefined {
    const rulesHash = this.deps.rules.at(height).hash;
    if (height === 1) return { parentStateRoot: EMPTY_STATE_ROOT, parentResultsRoot: EMPTY_ROOT, rulesHash };
    const parent = this.deps.store.blockRoots(height - 1);
    return parent && { parentStateRoot: parent.stateRoot, parentResultsRoot: parent.resultsRoot, rulesHash };
  }

  private executionContext(): ExecutionContext {
    const { store, rules } = this.deps;
    const sealing = this.deps.sealing && { keys: this.deps.sealing.keys };
    return { ledger: store, custody: store.custody, rules, recipients: this.recipients, sealing };
  }

  /**
   * Applies a committed block. Its header commits to the state this node computed for the parent:
   * when they differ, this node's state has diverged from the consortium's, and it halts rather
   * than serve wrong answers (the driver stops the node on the thrown error).
   */
  commit(block: Block, hash: string, certificate: CommitCertificate): void {
    const { store, mempool } = this.deps;
    const committed: CommittedBlock = { hash, block, certificate };
    const expected = this.rootsFor(block.header.height);
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
    const now = this.deps.clock();
    for (const tx of block.txs) {
      mempool.remove(tx.id);
      const at = this.acknowledged.get(tx.id);
      if (at !== undefined) {
        this.acknowledged.delete(tx.id);
        this.deps.onLatency?.((now - at) / 1000);
      }
    }
    this.deps.onCommitted?.(committed, execution);
  }

  private remember(tx: Transaction): void {
    this.verified.set(tx.id, tx.signature);
    if (this.verified.size > VERIFIED_CACHE) {
      const oldest = this.verified.keys().next().value;
      if (oldest !== undefined) this.verified.delete(oldest);
    }
  }
}

/** The first reason of each invalid event, as the transaction body carries it. */
function invalidEvent(document: { epcisBody: { eventList: unknown[] } }) {
  return ({
    index,
    errors,
  }: {
    index: number;
    errors: { field: string; message: string; code?: string }[];
  }) => {
    const [first] = errors;
    const eventID = (document.epcisBody.eventList[index] as { eventID?: unknown } | null)?.eventID;
    const out: InvalidCaptureEvent = {
      index,
      field: first?.field ?? `/epcisBody/eventList/${index}`,
      code: first?.code ?? ErrorCode.ValidationFailed,
      message: first?.message ?? 'is not valid',
    };
    if (typeof eventID === 'string' && eventID.length <= MAX_URI_LENGTH) out.eventID = eventID;
    return out;
  };
}

function flatErrors(invalid: { errors: { field: string; message: string; code?: string }[] }[]) {
  return invalid.flatMap((e) => e.errors).slice(0, 20);
}

/**
 * A peer's list of left-out events: proceed only, bounded like a document (the codec checked the
 * shape), positions increasing, so a faulty member cannot make every node store an unbounded list.
 */
function invalidListIsWellFormed(body: CaptureTxBody): boolean {
  const { invalid } = body;
  if (invalid === undefined) return true;
  if (body.errorBehaviour !== 'proceed' || invalid.length === 0 || invalid.length >= DEFAULT_MAX_EVENTS)
    return false;
  return invalid.every((e, i) => i === 0 || e.index > (invalid[i - 1] as InvalidCaptureEvent).index);
}

function sizeOf(tx: Transaction): number {
  return Buffer.byteLength(JSON.stringify(tx));
}
