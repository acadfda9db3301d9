import type { CaptureError } from '../api/types.js';
import type { Block, EpcisEvent, Transaction } from '../ledger/index.js';

/** Stable reason codes of the ledger itself; custody rules add their own. */
export enum RejectCode {
  DuplicateEventId = 'DUPLICATE_EVENT_ID',
  RolledBack = 'ROLLED_BACK',
  InvalidDocument = 'INVALID_DOCUMENT',
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
}

/** What execution may read of the committed state. */
export interface StateView {
  hasEvent(eventID: string): boolean;
}

export function eventsOf(tx: Transaction): EpcisEvent[] {
  const body = tx.body.document.epcisBody as { eventList?: unknown } | undefined;
  return Array.isArray(body?.eventList) ? (body.eventList as EpcisEvent[]) : [];
}

/**
 * Evaluates a block's events in block order. Deterministic: it reads only the block and the
 * committed state, so every node reaches the same verdicts.
 */
export function executeBlock(block: Block, state: StateView): TxResult[] {
  const recordTime = new Date(block.header.timestamp).toISOString();
  const seenInBlock = new Set<string>();
  return block.txs.map((tx) => {
    const inTx = new Set<string>();
    const verdicts = eventsOf(tx).map((event): EventVerdict => {
      const eventID = event.eventID;
      if (inTx.has(eventID) || seenInBlock.has(eventID) || state.hasEvent(eventID)) {
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
    return settle(tx, verdicts, recordTime, seenInBlock);
  });
}

function settle(tx: Transaction, verdicts: EventVerdict[], recordTime: string, seen: Set<string>): TxResult {
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
  const events = eventsOf(tx);
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
