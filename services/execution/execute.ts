import { type Engine, type EventRoles, MemoryCustodyState } from '../contracts/index.js';
import {
  type Block,
  type CaptureTx,
  type EpcisEvent,
  type EvidenceTxBody,
  eventsOf,
  isCapture,
  type Transaction,
} from '../ledger/index.js';
import {
  type KeyRing,
  type RecipientPolicy,
  recipientsOf,
  recipientsProblem,
  sealedProblem,
} from '../privacy/index.js';
import { RejectCode } from './codes.js';
import { CommittedReads } from './committed-reads.js';
import { evidenceEntry } from './evidence.js';
import { GovernanceRun, isGovernance } from './governance.js';
import { identifiersFrom, identifiersOf } from './identifiers.js';
import { isMembership, MembershipRun } from './membership.js';
import { resultsRootOf, verdictLeaves } from './results.js';
import type { BlockExecution, EventVerdict, ExecutionContext, StateView, TxResult } from './types.js';

type EvidenceTx = Transaction & { body: EvidenceTxBody };

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
  const run = new BlockRun(
    ctx.ledger,
    rules.engine,
    custody,
    height,
    timestamp,
    ctx.recipients.at(height),
    ctx.sealing?.keys,
  );
  const governance = new GovernanceRun(ctx.rules, height);
  const membership = new MembershipRun(ctx.members, ctx.network, height);
  const results = block.txs.map((tx): TxResult => {
    if (isCapture(tx)) return run.capture(tx);
    if (isGovernance(tx)) {
      const outcome = governance.execute(tx);
      if (outcome.ok) return { ...emptyResult(tx, true), governance: outcome.change };
      return { ...emptyResult(tx, false), errors: [{ code: outcome.code, message: outcome.message }] };
    }
    if (isMembership(tx)) {
      const outcome = membership.execute(tx);
      if (outcome.ok) return { ...emptyResult(tx, true), membership: outcome.change };
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
  return { tx, success, errors: [], verdicts: [], accepted: [], indexed: [], rejected: [], declarations: [] };
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
    private readonly policy: RecipientPolicy,
    /** A sealed network's keys; undefined in an open network. */
    private readonly keys: KeyRing | undefined,
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
    // The engine's reading of each accepted event, handed on so the index does not parse it again.
    const roles: (EventRoles | undefined)[] = [];
    // Each accepted event's recipients, from the custody state just before and just after it.
    const recipients: (string[] | undefined)[] = [];
    // A capture whose sealing is wrong is refused whole, before any rule sees it (docs/privacy.md).
    const sealing = sealedProblem(
      tx.body,
      events,
      this.keys !== undefined,
      this.keys ?? new Map(),
      this.height,
    );
    const verdicts = events.map((event, i): EventVerdict => {
      const eventID = event.eventID;
      if (sealing) return { eventID, accepted: false, code: sealing.code, message: sealing.message };
      const problem = event.errorDeclaration
        ? this.declarationProblem(eventID, org, inTx)
        : this.duplicateProblem(eventID, inTx);
      if (problem) return { eventID, accepted: false, ...problem };
      if (event.errorDeclaration) {
        inTx.set(eventID, 'declaration');
        return { eventID, accepted: true };
      }
      const after = doc.fork();
      const verdict = this.engine.process(event, ctx, after);
      if (!verdict.accepted)
        return { eventID, accepted: false, code: verdict.code, message: verdict.message };
      recipients[i] = recipientsOf(
        { event, org, timestamp: this.timestamp, before: doc, after },
        this.policy,
      );
      const unsealed = this.keys && recipientsProblem(tx.body, event, recipients[i] ?? [], this.keys);
      if (unsealed) return { eventID, accepted: false, code: unsealed.code, message: unsealed.message };
      after.commit();
      roles[i] = verdict.roles;
      inTx.set(eventID, 'event');
      return { eventID, accepted: true };
    });
    const rollback = tx.body.errorBehaviour === 'rollback' && verdicts.some((v) => !v.accepted);
    const final = rollback ? verdicts.map(rolledBack) : verdicts;
    if (!rollback) doc.commit();
    return this.settle(tx, events, final, roles, recipients);
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

  private settle(
    tx: CaptureTx,
    events: EpcisEvent[],
    verdicts: EventVerdict[],
    roles: readonly (EventRoles | undefined)[],
    recipients: readonly (string[] | undefined)[],
  ): TxResult {
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
        const accepted = { ...event, recordTime: this.recordTime };
        result.accepted.push(accepted);
        const derived = roles[i];
        const identifiers = derived ? identifiersFrom(accepted, derived) : identifiersOf(accepted);
        result.indexed.push({ position: i, identifiers, recipients: recipients[i] ?? [tx.body.org] });
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
