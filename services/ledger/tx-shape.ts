import type { CaptureTxBody, EpcisEvent, Transaction } from './types.js';

/** Facts about a transaction's shape, shared by the mempool, execution, storage and the read side. */
export type CaptureTx = Transaction & { body: CaptureTxBody };

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
