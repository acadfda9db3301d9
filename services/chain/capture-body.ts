import { ErrorCode, WaybillError } from '../common/index.js';
import { assignEventIds, checkCaptureEvents, MAX_URI_LENGTH } from '../epcis/index.js';
import type { CaptureTxBody, InvalidCaptureEvent, SubmitContext } from '../ledger/index.js';

/** Gives the events a sealed network assigns an eventID their keyed ones (chain/sealed-capture.ts). */
export type EventIdAssigner = <E extends { eventID: string }>(
  given: readonly { eventID?: unknown }[],
  assigned: readonly E[],
) => E[];

/**
 * A validated document, every event with its eventID, as `org`'s capture transaction body.
 * Under rollback any invalid event refuses the whole document; under proceed the valid events
 * go on and the invalid ones are named in the body with their first reason (refused only when
 * no event is valid).
 */
export function captureBody(
  document: unknown,
  ctx: SubmitContext,
  origin: {
    network: string;
    org: string;
    /** A sealed network's eventIDs (chain/sealed-capture.ts); default: as assigned. */
    eventIds?: EventIdAssigner | undefined;
  },
): CaptureTxBody {
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
  const events = origin.eventIds ? origin.eventIds(checked.valid, assigned) : assigned;
  const doc = { ...checked.document, epcisBody: { ...checked.document.epcisBody, eventList: events } };
  const body: CaptureTxBody = {
    kind: 'capture',
    network: origin.network,
    org: origin.org,
    submitter: ctx.submitter,
    errorBehaviour: ctx.errorBehaviour,
    document: doc,
  };
  if (checked.invalid.length > 0) body.invalid = checked.invalid.map(invalidEvent(checked.document));
  return body;
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
