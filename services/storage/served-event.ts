import type { EpcisEvent } from '../ledger/index.js';
import { sealedFields } from '../privacy/index.js';
import { SEALED_KEY } from '../verify/index.js';

/**
 * An accepted event as served: the event as captured (doc_events, the one copy, which the
 * transaction body shares), its recordTime (the block's timestamp, which event_index.record_time
 * holds in ms) and, once declared erroneous, the declaration's errorDeclaration. The same as the
 * committed event was: recordTime set like execution sets it, errorDeclaration after it.
 *
 * Columns of a query over `event_index i` joined with SERVED_EVENT_JOIN.
 */
export const SERVED_EVENT_COLUMNS = `d.body AS body, i.record_time AS record_time,
  CASE WHEN i.error_declaration = 1 THEN
    (SELECT x.body -> '$.errorDeclaration' FROM error_declarations x WHERE x.event_id = i.event_id)
  END AS declaration, sd.body AS sealed`;

export const SERVED_EVENT_JOIN =
  'JOIN doc_events d ON d.id = i.doc_event LEFT JOIN sealed_events sd ON sd.doc_event = i.doc_event';

export interface ServedEventRow {
  body: string;
  record_time: number;
  declaration: string | null;
  /** Sealed networks: the event as captured, when this node's org receives it (sealed-store.ts). */
  sealed?: string | null;
}

/** What a node that does not hold an event's sealed fields says in their place. */
export const SEALED_ELSEWHERE =
  "fields outside the public view are sealed to the event's recipients; a recipient's own node serves them";

/**
 * In a sealed network (docs/privacy.md) doc_events holds the public view. A node that holds the
 * sealed part serves the event as captured, with its commitment, `held: true` and the paths of its
 * sealed fields (what `GET /events/{id}/proof?disclose=` takes); another serves the public view,
 * saying that the rest is sealed and where to ask (not which fields: the root hides even their count).
 */
function eventBody(row: ServedEventRow): EpcisEvent {
  const view = JSON.parse(row.body) as EpcisEvent;
  const ref = view[SEALED_KEY] as Record<string, unknown> | undefined;
  if (ref === undefined) return view;
  if (row.sealed) {
    const event = JSON.parse(row.sealed) as EpcisEvent;
    const fields = sealedFields(event, view).map((f) => f.path);
    event[SEALED_KEY] = { ...ref, held: true, fields };
    return event;
  }
  view[SEALED_KEY] = { ...ref, held: false, note: SEALED_ELSEWHERE };
  return view;
}

export function servedEvent(row: ServedEventRow): EpcisEvent {
  const event = eventBody(row);
  event.recordTime = new Date(row.record_time).toISOString();
  if (row.declaration !== null) event.errorDeclaration = JSON.parse(row.declaration) as unknown;
  return event;
}
