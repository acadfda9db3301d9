import { bizStepWord, idKey } from '../contracts/index.js';
import { BIZ_TRANSACTION_TYPE } from '../epcis/index.js';
import type { TracedEvent } from '../storage/index.js';
import type { Trace } from './trace.js';

/** FSMA 204 sortable spreadsheet columns (21 CFR 1.1455(c)), one row per lot per critical tracking event. */
export const FSMA_COLUMNS = [
  'Traceability Lot Code',
  'Product Description/GTIN',
  'Quantity',
  'Unit of Measure',
  'Location',
  'Date',
  'Critical Tracking Event',
  'Reference Document Type',
  'Reference Document Number',
  'Event ID',
] as const;

export type CriticalTrackingEvent =
  | 'harvesting'
  | 'cooling'
  | 'initial packing'
  | 'shipping'
  | 'receiving'
  | 'transformation';

/**
 * The CTE an event records, from its type and bizStep (GS1 US FSMA 204 implementation guideline);
 * undefined for events that are no CTE (transporting, inspecting, ...), which get no row.
 */
export function criticalTrackingEvent(event: Record<string, unknown>): CriticalTrackingEvent | undefined {
  if (event.type === 'TransformationEvent') return 'transformation';
  const step = typeof event.bizStep === 'string' ? bizStepWord(event.bizStep) : '';
  if (step === 'shipping' || step === 'departing') return 'shipping';
  if (step === 'receiving' || step === 'arriving' || step === 'accepting') return 'receiving';
  if (step === 'packing') return 'initial packing';
  if (step === 'storing' || /cooling$/i.test(step)) return 'cooling';
  if ((step === 'commissioning' || step === 'creating_class_instance') && event.action === 'ADD')
    return 'harvesting';
  return undefined;
}

interface Lot {
  id: string;
  quantity: string;
  uom: string;
}

const GTIN = /\/01\/(\d{14})(?:\/|$)/;
const LOT = /\/10\/([^/]+)$/;

function lotsOf(e: TracedEvent, traced: ReadonlySet<string>): Lot[] {
  const { event } = e;
  const lists =
    event.type === 'TransformationEvent'
      ? [event.outputQuantityList, event.inputQuantityList]
      : [event.quantityList, event.childQuantityList];
  const lots: Lot[] = [];
  const classes = new Set<string>();
  for (const list of lists) {
    if (!Array.isArray(list)) continue;
    for (const q of list as Array<Record<string, unknown>>) {
      if (typeof q.epcClass !== 'string') continue;
      const key = idKey(q.epcClass);
      classes.add(key);
      if (traced.has(key))
        lots.push({ id: key, quantity: String(q.quantity ?? ''), uom: String(q.uom ?? '') });
    }
  }
  // Instance-level objects (SGTIN, SSCC) count one each.
  for (const key of new Set(e.ids.map((i) => i.key))) {
    if (traced.has(key) && !classes.has(key)) lots.push({ id: key, quantity: '1', uom: 'EA' });
  }
  return lots;
}

function location(event: Record<string, unknown>, cte: CriticalTrackingEvent): string {
  const id = (v: unknown) => (v as { id?: unknown } | undefined)?.id;
  const fromList = (list: unknown, field: 'source' | 'destination') =>
    Array.isArray(list)
      ? (list as Array<Record<string, unknown>>).find((s) => String(s.type ?? '').endsWith('location'))?.[
          field
        ]
      : undefined;
  const where =
    id(event.bizLocation) ??
    id(event.readPoint) ??
    (cte === 'shipping' ? fromList(event.sourceList, 'source') : undefined) ??
    (cte === 'receiving' ? fromList(event.destinationList, 'destination') : undefined);
  return typeof where === 'string' ? where : '';
}

function references(event: Record<string, unknown>): { types: string; numbers: string } {
  const list = Array.isArray(event.bizTransactionList)
    ? (event.bizTransactionList as Array<Record<string, unknown>>)
    : [];
  const word = (t: unknown) => {
    const s = typeof t === 'string' ? t : '';
    const prefix = [BIZ_TRANSACTION_TYPE.webPrefix, BIZ_TRANSACTION_TYPE.urnPrefix ?? ''].find(
      (p) => p && s.startsWith(p),
    );
    return prefix ? s.slice(prefix.length) : s;
  };
  return {
    types: list.map((b) => word(b.type)).join('; '),
    numbers: list.map((b) => String(b.bizTransaction ?? '')).join('; '),
  };
}

/** The spreadsheet rows of a trace: every CTE in its custody chain, per traced lot or object. */
export function fsmaRows(trace: Trace, events: readonly TracedEvent[]): string[][] {
  const traced = new Set(trace.nodes.map((n) => n.id));
  const rows: string[][] = [];
  for (const e of events) {
    const cte = criticalTrackingEvent(e.event);
    if (!cte) continue;
    const refs = references(e.event);
    for (const lot of lotsOf(e, traced)) {
      rows.push([
        LOT.exec(lot.id)?.[1] ?? lot.id,
        GTIN.exec(lot.id)?.[1] ?? '',
        lot.quantity,
        lot.uom,
        location(e.event, cte),
        String(e.event.eventTime ?? ''),
        cte,
        refs.types,
        refs.numbers,
        e.eventID,
      ]);
    }
  }
  return rows;
}

/**
 * RFC 4180 CSV (CRLF line ends, fields with quotes, commas or line breaks quoted, quotes doubled).
 * Written here: no CSV library is among the project's dependencies, and quoting is all it needs.
 * A field starting with =, +, - or @ gets a leading apostrophe, so a spreadsheet never runs it as a formula.
 */
export function toCsv(rows: ReadonlyArray<readonly string[]>): string {
  const field = (value: string) => {
    const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
    return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
  };
  return rows.map((r) => `${r.map(field).join(',')}\r\n`).join('');
}
