import type { EventCaptureOutcome, SubmitContext } from '../api/index.js';
import type { LedgerApp, Submitted } from '../chain/index.js';
import { ErrorCode, WaybillError } from '../common/index.js';
import { assignEventIds, EPCIS_CONTEXT_URL, validateCaptureDocument } from '../epcis/index.js';
import { RejectCode } from '../execution/index.js';
import type { LedgerQueries } from '../query/index.js';
import type { Store } from '../storage/index.js';
import type { CommitWaiter } from './commit-waiter.js';

const EVENT_POINTER = '/epcisBody/eventList/0';
/** How long POST /events waits for its block before answering 202 with the capture job. */
const WAIT_MS = 5_000;

export interface SingleEventDeps {
  app: LedgerApp;
  store: Store;
  queries: LedgerQueries;
  waiter: CommitWaiter;
  /** Spreads a fresh transaction to the other members and wakes consensus. */
  announce: (tx: Submitted['tx']) => void;
}

/**
 * POST /events: one event captured as a one-event document. The document is built from the
 * event alone (its creationDate is the eventTime), so a retried request is the same capture.
 */
export async function captureSingleEvent(
  deps: SingleEventDeps,
  event: unknown,
  ctx: SubmitContext,
): Promise<EventCaptureOutcome> {
  const document = wrap(event);
  const checked = validateCaptureDocument(document);
  if (!checked.ok) {
    // Name fields of the event as posted, not of the document around it.
    const errors = checked.errors.map((e) => ({ ...e, field: e.field.replace(EVENT_POINTER, '') || '/' }));
    throw new WaybillError(ErrorCode.ValidationFailed, 'the EPCIS event is not valid', { errors });
  }
  const id =
    deps.app.eventIds(checked.events, assignEventIds(checked.events, document['@context']))[0]?.eventID ?? '';
  if (deps.store.hasEvent(id))
    throw new WaybillError(ErrorCode.Conflict, `event ${id} exists`, { eventID: id });
  const { tx, fresh, durable } = await deps.app.submitCapture(document, ctx);
  await durable;
  if (fresh) deps.announce(tx);
  if (!(await deps.waiter.wait(tx.id, WAIT_MS))) return { kind: 'pending', captureID: tx.id, eventID: id };
  const status = deps.queries.eventStatus(id);
  if (status?.status === 'accepted') return { kind: 'accepted', status };
  const reason = status?.reason ?? { code: 'REJECTED', message: 'the event was not accepted' };
  if (reason.code === RejectCode.DuplicateEventId) {
    throw new WaybillError(ErrorCode.Conflict, `event ${id} exists`, { eventID: id });
  }
  throw new WaybillError(ErrorCode.EventRejected, reason.message, { eventID: id, reason });
}

function wrap(event: unknown) {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    throw new WaybillError(ErrorCode.ValidationFailed, 'the body must be one EPCIS event', {
      errors: [{ field: '/', message: 'must be an object' }],
    });
  }
  const { '@context': context, ...rest } = event as Record<string, unknown>;
  const extra = (Array.isArray(context) ? context : context === undefined ? [] : [context]).filter(
    (c) => c !== EPCIS_CONTEXT_URL,
  );
  return {
    '@context': [EPCIS_CONTEXT_URL, ...extra],
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: typeof rest.eventTime === 'string' ? rest.eventTime : '1970-01-01T00:00:00Z',
    epcisBody: { eventList: [rest] },
  };
}
