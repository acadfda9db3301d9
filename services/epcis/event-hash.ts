import { sha256Hex } from '../common/index.js';
import { preHashString } from './event-prehash.js';
import type { EpcisEvent, IdentifiedEpcisEvent } from './types.js';

/**
 * The CBV 2.0 event hash ID of an event: `ni:///sha-256;<hex>?ver=CBV2.0` (RFC 6920 named
 * information URI over the UTF-8 pre-hash string). Two systems hashing the same event, however
 * serialised, get the same ID. `context` is the `@context` of the document the event came in:
 * it defines the namespaces of extension fields, which are part of the hash.
 */
export function eventHash(event: EpcisEvent, context?: unknown): string {
  return `ni:///sha-256;${sha256Hex(preHashString(event, context))}?ver=CBV2.0`;
}

/**
 * Gives every event an eventID: events that have one keep it, the others get their event hash
 * (so the same capture always yields the same IDs). Returns new event objects.
 */
export function assignEventIds(events: readonly EpcisEvent[], context?: unknown): IdentifiedEpcisEvent[] {
  return events.map((event) =>
    typeof event.eventID === 'string' && event.eventID !== ''
      ? { ...event, eventID: event.eventID }
      : { ...event, eventID: eventHash(event, context) },
  );
}
