import type { CaptureError } from '../api/types.js';
import type { Block, CaptureTxBody, EpcisEvent, EvidenceTxBody, Transaction } from '../ledger/index.js';
import { type EvidenceEntry, evidenceEntry } from './evidence.js';

/** Stable reason codes of the ledger itself; custody rules add their own. */
export enum RejectCode {
  DuplicateEventId = 'DUPLICATE_EVENT_ID',
  RolledBack = 'ROLLED_BACK',
  DuplicateEvidence = 'DUPLICATE_EVIDENCE',
}

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
  /** Accepted events, with recordTime = the block's timestamp. */
  accepted: EpcisEvent[];
  rejected: EventVerdict[];
  /** New equivocation evidence recorded by this transaction. */
  evidence?: EvidenceEntry;
}

/** What execution may read of the committed state. */
export interface StateView {
  hasEvent(eventID: string): boolean;
  hasEvidence(id: string): boolean;
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

/** Who a transaction is attributed to: the API client for captures, the node for evidence. */
export function submitterOf(tx: Transaction): string {
  return isCapture(tx) ? tx.body.submitter : tx.body.org;
}

/**
 * Evaluates a block's transactions in block order. Deterministic: it reads only the block and
 * the committed state, so every node reaches the same verdicts.
 */
export function executeBlock(block: Block, state: StateView): TxResult[] {
  const recordTime = new Date(block.header.timestamp).toISOString();
  const seenEvents = new Set<string>();
  const seenEvidence = new Set<string>();
  return block.txs.map((tx) =>
    isCapture(tx)
      ? executeCapture(tx, state, recordTime, seenEvents)
      : executeEvidence(tx as EvidenceTx, state, seenEvidence),
  );
}

function executeCapture(tx: CaptureTx, state: StateView, recordTime: string, seen: Set<string>): TxResult {
  const inTx = new Set<string>();
  const events = eventsOf(tx);
  const verdicts = events.map((event): EventVerdict => {
    const eventID = event.eventID;
    if (inTx.has(eventID) || seen.has(eventID) || state.hasEvent(eventID)) {
      return {
        eventID,
        accepted: false,
        code: RejectCode.DuplicateEventId,
        message: `event ${eventID} exists`,
      };
    }
    inTx.add(eventID);
    return { eventID, accepted: true };
  });
  return settle(tx, events, verdicts, recordTime, seen);
}

/** The first report of an equivocation is recorded; later reports of the same one are not. */
function executeEvidence(tx: EvidenceTx, state: StateView, seen: Set<string>): TxResult {
  const entry = evidenceEntry(tx);
  if (seen.has(entry.id) || state.hasEvidence(entry.id)) {
    const error = { code: RejectCode.DuplicateEvidence, message: `evidence ${entry.id} is already recorded` };
    return { tx, success: false, errors: [error], accepted: [], rejected: [] };
  }
  seen.add(entry.id);
  return { tx, success: true, errors: [], accepted: [], rejected: [], evidence: entry };
}

function settle(
  tx: CaptureTx,
  events: EpcisEvent[],
  verdicts: EventVerdict[],
  recordTime: string,
  seen: Set<string>,
): TxResult {
  const failed = verdicts.some((v) => !v.accepted);
  const rollback = failed && tx.body.errorBehaviour === 'rollback';
  const final = rollback
    ? verdicts.map((v) =>
        v.accepted
          ? {
              ...v,
              accepted: false,
              code: RejectCode.RolledBack,
              message: 'another event of the document failed',
            }
          : v,
      )
    : verdicts;
  const accepted: EpcisEvent[] = [];
  final.forEach((v, i) => {
    const event = events[i];
    if (v.accepted && event) {
      seen.add(v.eventID);
      accepted.push({ ...event, recordTime });
    }
  });
  const rejected = final.filter((v) => !v.accepted);
  const errors = rejected.map((v) => ({
    eventID: v.eventID,
    code: v.code ?? 'REJECTED',
    message: v.message ?? '',
  }));
  return { tx, success: rejected.length === 0, errors, accepted, rejected };
}
