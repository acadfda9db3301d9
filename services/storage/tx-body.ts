import type { TxBody } from '../ledger/index.js';
import { isObject } from '../verify/index.js';
import { StorageError, StorageErrorCode } from './errors.js';

/**
 * A capture's events are stored once, as rows of `doc_events`, and its body without them (the
 * document's eventList emptied): the served event, the block a peer catches up with and the
 * proofs all read the same rows. Joining puts the parsed events back in place, so the body is
 * the signed one value for value and hashes to its transaction id again (RFC 8785 orders keys).
 */
type Obj = Record<string, unknown>;

export interface SplitBody {
  /** The body with its document's eventList emptied; the body itself when it carries no list. */
  envelope: TxBody;
  /** The document's events in order; empty when there is no list to empty. */
  events: unknown[];
}

function epcisBodyOf(body: TxBody): Obj | undefined {
  if (body.kind !== 'capture') return undefined;
  const epcisBody = body.document.epcisBody;
  return isObject(epcisBody) && Array.isArray(epcisBody.eventList) ? epcisBody : undefined;
}

export function splitBody(body: TxBody): SplitBody {
  const epcisBody = epcisBodyOf(body);
  if (body.kind !== 'capture' || epcisBody === undefined) return { envelope: body, events: [] };
  const envelope = { ...body, document: { ...body.document, epcisBody: { ...epcisBody, eventList: [] } } };
  return { envelope, events: epcisBody.eventList as unknown[] };
}

/** The signed body again, from the stored envelope (JSON) and its events' JSON in order. */
export function joinBody(envelope: string, events: readonly string[]): TxBody {
  const body = JSON.parse(envelope) as TxBody;
  if (events.length === 0) return body;
  const epcisBody = epcisBodyOf(body);
  if (epcisBody === undefined)
    throw new StorageError(
      StorageErrorCode.Corrupt,
      'a stored capture with events has no eventList to hold them',
    );
  epcisBody.eventList = events.map((e) => JSON.parse(e) as unknown);
  return body;
}
