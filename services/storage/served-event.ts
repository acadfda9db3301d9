import type { EpcisEvent } from '../ledger/index.js';

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
  END AS declaration`;

export const SERVED_EVENT_JOIN = 'JOIN doc_events d ON d.id = i.doc_event';

export interface ServedEventRow {
  body: string;
  record_time: number;
  declaration: string | null;
}

export function servedEvent(row: ServedEventRow): EpcisEvent {
  const event = JSON.parse(row.body) as EpcisEvent;
  event.recordTime = new Date(row.record_time).toISOString();
  if (row.declaration !== null) event.errorDeclaration = JSON.parse(row.declaration) as unknown;
  return event;
}
