import type { CaptureError } from '../api/types.js';
import {
  type CustodyChanges,
  type Engine,
  type EnumerableCustodyState,
  MemoryCustodyState,
} from '../contracts/index.js';
import type { Block, CaptureTxBody, EpcisEvent, EvidenceTxBody, Transaction } from '../ledger/index.js';
import { RejectCode } from './codes.js';
import { CommittedReads } from './committed-reads.js';
import { type EvidenceEntry, evidenceEntry } from './evidence.js';
import { type GovernanceChange, GovernanceRun, isGovernance, type RulesBook } from './governance.js';
import { resultsRootOf, verdictLeaves } from './results.js';

export interface EventVerdict {
  eventID: string;
  accepted: boolean;
  code?: string;
  message?: string;
}

export interface TxResult {
  tx: Transaction;
  success: boolean;
  errors: CaptureError[];
  /** One per event of a capture, in document order. */
  verdicts: EventVerdict[];
  /** Accepted events, with recordTime = the block's timestamp (error declarations excluded). */
  accepted: EpcisEvent[];
  rejected: EventVerdict[];
  /** Accepted error declarations: the declaring event as captured, with recordTime. */
  declarations: EpcisEvent[];
  /** New equivocation evidence recorded by this transaction. */
  evidence?: EvidenceEntry;
  governance?: GovernanceChange;
}

/** What execution may read of the committed ledger. */
export interface StateView {
  hasEvent(eventID: string): boolean;
  hasEvidence(id: string): boolean;
  /** Who captured a committed event, and whether it was already declared erroneous. */
  eventOrigin(eventID: string): { org: string; declared: boolean } | undefined;
}

export interface ExecutionContext {
  ledger: StateView;
  /** Committed custody state after the parent block. */
  custody: EnumerableCustodyState;
  rules: RulesBook;
}

/** Everything a block changes, for the block's one storage transaction. */
export interface BlockExecution {
  results: TxResult[];
  /** Custody state changes of the whole block. */
  custody: CustodyChanges;
  /** Root of this block's verdicts: the next header's parentResultsRoot. */
  resultsRoot: string;
  /** The rule set the block was evaluated under. */
  rulesHash: string;
}

type CaptureTx = Transaction & { body: CaptureTxBody };
type EvidenceTx = Transaction & { body: EvidenceTxBody };

export function isCapture(tx: Transaction): tx is CaptureTx {
  return tx.body.kind === 'capture';
}

export function eventsOf(tx: Transaction): EpcisEvent[] {
  if (!isCapture(tx)) return [];
  const body = tx.body.document.epcisBody as { eventList?: unknown } | undefined;
  return Array.isArray(body?.eventList) ? (body.eventList as EpcisEvent[]) : [];
}

/** Who a transaction is attributed to: the API client for captures, the node otherwise. */
export function submitterOf(tx: Transaction): string {
  return isCapture(tx) ? tx.body.submitter : tx.body.org;
}

/**
 * Evaluates a block's transactions in block order: the ledger's own rules (one eventID, error
 * declarations, evidence, governance), then the custody rules in force at the height. Deterministic:
 * it reads only the block and the committed state, so every node reaches the same verdicts and
 * the same state changes, which the caller commits with the block.
 */
export function executeBlock(block: Block, ctx: ExecutionContext): BlockExecution {
  const { height, timestamp } = block.header;
  const rules = ctx.rules.at(height);
  const custody = new MemoryCustodyState(new CommittedReads(ctx.custody));
  const run = new BlockRun(ctx.ledger, rules.engine, custody, height, timestamp);
  const governance = new GovernanceRun(ctx.rules, height);
  const results = block.txs.map((tx): TxResult => {
    if (isCapture(tx)) return run.capture(tx);
    if (isGovernance(tx)) {
      const outcome = governance.execute(tx);
      if (outcome.ok) return { ...emptyResult(tx, true), governance: outcome.change };
      return { ...emptyResult(tx, false), errors: [{ code: outcome.code, message: outcome.message }] };
    }
    return run.evidence(tx as EvidenceTx);
  });
  return {
    results,
    custody: custody.changes(),
    resultsRoot: resultsRootOf(verdictLeaves(results)),
    rulesHash: rules.hash,
  };
}

function emptyResult(tx: Transaction, success: boolean): TxResult {
  return { tx, success, errors: [], verdicts: [], accepted: [], rejected: [], declarations: [] };
}

/** The block's own view of what it has done so far, on top of the committed ledger. */
class BlockRun {
  private readonly recordTime: string;
  /** Events accepted earlier in the block, with their capturing org. */
  private readonly events = new Map<string, string>();
  private readonly declared = new Set<string>();
  private readonly evidenceSeen = new Set<string>();

  constructor(
    private readonly ledger: StateView,
    private readonly engine: Engine,
    private readonly custody: MemoryCustodyState,
    private readonly height: number,
    private readonly timestamp: number,
  ) {
    this.recordTime = new Date(timestamp).toISOString();
  }

  /**
   * A document's events see each other's effects in order. `rollback` applies the document all or
   * nothing; `proceed` keeps each accepted event (a rejected event never changes the state).
   */
  capture(tx: CaptureTx): TxResult {
    const doc = this.custody.fork();
    const org = tx.body.org;
    const ctx = { org, height: this.height, timestamp: this.timestamp };
    const inTx = new Map<string, 'event' | 'declaration'>();
    const events = eventsOf(tx);
    const verdicts = events.map((event): EventVerdict => {
      const eventID = event.eventID;
      const problem = event.errorDeclaration
        ? this.declarationProblem(eventID, org, inTx)
        : this.duplicateProblem(eventID, inTx);
      if (problem) return { eventID, accepted: false, ...problem };
      if (event.errorDeclaration) {
        inTx.set(eventID, 'declaration');
        return { eventID, accepted: true };
      }
      const verdict = this.engine.process(event, ctx, doc);
      if (!verdict.accepted)
        return { eventID, accepted: false, code: verdict.code, message: verdict.message };
      inTx.set(eventID, 'event');
      return { eventID, accepted: true };
    });
    const rollback = tx.body.errorBehaviour === 'rollback' && verdicts.some((v) => !v.accepted);
    const final = rollback ? verdicts.map(rolledBack) : verdicts;
    if (!rollback) doc.commit();
    return this.settle(tx, events, final);
  }

  private duplicateProblem(eventID: string, inTx: Map<string, string>) {
    if (!inTx.has(eventID) && !this.events.has(eventID) && !this.ledger.hasEvent(eventID)) return undefined;
    return { code: RejectCode.DuplicateEventId, message: `event ${eventID} exists` };
  }

  /** EPCIS error declaration: only the org that captured an event may declare it erroneous, once. */
  private declarationProblem(eventID: string, org: string, inTx: Map<string, string>) {
    const origin =
      inTx.get(eventID) === 'event'
        ? { org, declared: false }
        : this.events.has(eventID)
          ? { org: this.events.get(eventID) as string, declared: false }
          : this.ledger.eventOrigin(eventID);
    if (!origin)
      return { code: RejectCode.UnknownEvent, message: `no committed event ${eventID} to declare erroneous` };
    if (origin.org !== org) {
      return {
        code: RejectCode.NotOriginalSubmitter,
        message: `event ${eventID} was captured by ${origin.org}; only it can declare the event erroneous`,
      };
    }
    if (origin.declared || this.declared.has(eventID) || inTx.get(eventID) === 'declaration') {
      return { code: RejectCode.AlreadyDeclared, message: `event ${eventID} is already declared erroneous` };
    }
    return undefined;
  }

  private settle(tx: CaptureTx, events: EpcisEvent[], verdicts: EventVerdict[]): TxResult {
    const result = emptyResult(tx, true);
    result.verdicts = verdicts;
    // Proceed: events left out for failing validation are the job's first errors.
    for (const { eventID, field, code, message } of tx.body.invalid ?? []) {
      result.errors.push(
        eventID === undefined ? { field, code, message } : { eventID, field, code, message },
      );
    }
    verdicts.forEach((v, i) => {
      const event = events[i];
      if (!event) return;
      if (!v.accepted) {
        result.rejected.push(v);
        result.errors.push({ eventID: v.eventID, code: v.code ?? 'REJECTED', message: v.message ?? '' });
      } else if (event.errorDeclaration) {
        this.declared.add(v.eventID);
        result.declarations.push({ ...event, recordTime: this.recordTime });
      } else {
        this.events.set(v.eventID, tx.body.org);
        result.accepted.push({ ...event, recordTime: this.recordTime });
      }
    });
    result.success = result.rejected.length === 0 && (tx.body.invalid ?? []).length === 0;
    return result;
  }

  /** The first report of an equivocation is recorded; later reports of the same one are not. */
  evidence(tx: EvidenceTx): TxResult {
    const entry = evidenceEntry(tx);
    if (this.evidenceSeen.has(entry.id) || this.ledger.hasEvidence(entry.id)) {
      const error = {
        code: RejectCode.DuplicateEvidence,
        message: `evidence ${entry.id} is already recorded`,
      };
      return { ...emptyResult(tx, false), errors: [error] };
    }
    this.evidenceSeen.add(entry.id);
    return { ...emptyResult(tx, true), evidence: entry };
  }
}

function rolledBack(v: EventVerdict): EventVerdict {
  if (!v.accepted) return v;
  return {
    ...v,
    accepted: false,
    code: RejectCode.RolledBack,
    message: 'another event of the document failed',
  };
}
