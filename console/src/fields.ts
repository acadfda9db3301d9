import {
  NON_MEMBER_PLACEHOLDER,
  PARTLY_PUBLIC_FIELDS,
  PUBLIC_FIELDS,
  SERVED_FIELDS,
} from '../../services/verify/public-fields.js';

// Which of a served event's fields the console shows in rows of their own and which it lists as
// "Other fields". The public tier's names come from the node's own definition
// (services/verify/public-fields.ts, browser-safe and import-free, so it costs the first page
// nothing), never from a copy that could drift from it.

/** What a sealed event's public view names a party or site outside the consortium by. */
export const NON_MEMBER = NON_MEMBER_PLACEHOLDER;

/** Fields a node adds when it serves an event (recordTime, the sealed commitment): not extensions. */
export { SERVED_FIELDS };

/** Sealed standard fields the event view shows in a row of its own (when the caller holds them). */
export const OWN_ROW_FIELDS: ReadonlySet<string> = new Set(['bizTransactionList']);

/** Every top-level field that is not listed under "Other fields". */
const KNOWN: ReadonlySet<string> = new Set([
  ...PUBLIC_FIELDS,
  ...PARTLY_PUBLIC_FIELDS,
  ...SERVED_FIELDS,
  ...OWN_ROW_FIELDS,
]);

/** The event's other fields (extensions, certificationInfo, ...), in the order it lists them. */
export function otherFields(event: Record<string, unknown>): string[] {
  return Object.keys(event).filter((k) => !KNOWN.has(k));
}
