import type { CaptureError } from '../execution/index.js';
import { type CaptureTx, isCapture, type Transaction } from '../ledger/index.js';
import type { CaptureRow, StoredTx } from '../storage/index.js';

/** GET /capture/{captureID}. */
export interface CaptureJob {
  captureID: string;
  running: boolean;
  success: boolean;
  /** GS1-Capture-Error-Behaviour the document was captured with. */
  captureErrorBehaviour?: 'rollback' | 'proceed';
  errors: CaptureError[];
  /** Once committed. */
  blockHeight?: number;
  blockHash?: string;
}

/** GET /events/{eventID}/status. */
export interface EventStatus {
  eventID: string;
  status: 'pending' | 'accepted' | 'rejected';
  reason?: { code: string; message: string };
  blockHeight: number | null;
  blockHash: string | null;
  txId: string;
  org: string;
  submitter: string;
}

/** The one place a capture job is built: from a committed transaction, an index row or a pending one. */
export function committedJob(stored: StoredTx): CaptureJob {
  return {
    captureID: stored.tx.id,
    running: false,
    success: stored.success,
    captureErrorBehaviour: behaviourOf(stored.tx),
    errors: stored.errors,
    blockHeight: stored.height,
    blockHash: stored.blockHash,
  };
}

export function listedJob(row: CaptureRow): CaptureJob {
  return {
    captureID: row.captureID,
    running: false,
    success: row.success,
    captureErrorBehaviour: row.errorBehaviour,
    errors: row.errors,
    blockHeight: row.blockHeight,
  };
}

/** EPCIS capture job semantics: a capture still waiting for a block is running with no error so far. */
export function runningJob(tx: Transaction): CaptureJob {
  return {
    captureID: tx.id,
    running: true,
    success: true,
    captureErrorBehaviour: behaviourOf(tx),
    errors: [],
  };
}

export function runningJobs(pending: readonly Transaction[]): CaptureJob[] {
  return pending
    .filter((tx): tx is CaptureTx => isCapture(tx))
    .reverse()
    .map(runningJob);
}

function behaviourOf(tx: Transaction): 'rollback' | 'proceed' | undefined {
  return isCapture(tx) ? tx.body.errorBehaviour : undefined;
}
