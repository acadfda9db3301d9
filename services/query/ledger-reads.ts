import { submitterOf } from '../ledger/index.js';
import type { Mempool } from '../mempool/index.js';
import type { Store } from '../storage/index.js';
import { type CaptureJob, committedJob, type EventStatus, runningJob } from './capture-jobs.js';

/** Read side of the node for the API: committed state first, then what is still pending. */
export class LedgerQueries {
  constructor(
    private readonly store: Store,
    private readonly mempool: Mempool,
  ) {}

  /** The capture job, when `org` captured it: another org's job is answered as unknown. */
  captureJob(captureID: string, org: string): CaptureJob | undefined {
    const stored = this.store.getTx(captureID);
    if (stored) return stored.tx.body.org === org ? committedJob(stored) : undefined;
    const pending = this.mempool.get(captureID);
    return pending?.body.org === org ? runningJob(pending) : undefined;
  }

  eventStatus(eventID: string): EventStatus | undefined {
    const accepted = this.store.getEvent(eventID);
    if (accepted) return this.committedStatus(eventID, accepted.txId, 'accepted');
    const pending = this.mempool.txOfEvent(eventID);
    if (pending) {
      const { id, body } = pending;
      return {
        eventID,
        status: 'pending',
        blockHeight: null,
        blockHash: null,
        txId: id,
        org: body.org,
        submitter: submitterOf(pending),
      };
    }
    const rejection = this.store.lastRejection(eventID);
    if (!rejection) return undefined;
    const status = this.committedStatus(eventID, rejection.txId, 'rejected');
    return status && { ...status, reason: { code: rejection.code, message: rejection.message } };
  }

  private committedStatus(
    eventID: string,
    txId: string,
    status: 'accepted' | 'rejected',
  ): EventStatus | undefined {
    const stored = this.store.getTx(txId);
    if (!stored) return undefined;
    const { org } = stored.tx.body;
    const submitter = submitterOf(stored.tx);
    return { eventID, status, blockHeight: stored.height, blockHash: stored.blockHash, txId, org, submitter };
  }
}
