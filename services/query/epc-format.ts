import { digitalLinkToEpc, epcToDigitalLink, type GcpLength } from '../epcis/index.js';
import type { EpcisEvent } from '../ledger/index.js';

/** GS1-EPC-Format values of the EPCIS 2.0 REST binding. */
export type EpcFormat = 'No_Preference' | 'Always_GS1_Digital_Link' | 'Always_EPC_URN' | 'Never_Translates';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Identifier-valued fields of an event: lists of identifiers, single ones, and objects holding one. */
const LISTS = ['epcList', 'childEPCs', 'inputEPCList', 'outputEPCList'];
const QUANTITY_LISTS = ['quantityList', 'childQuantityList', 'inputQuantityList', 'outputQuantityList'];

function mapIds(event: EpcisEvent, convert: (id: string) => string): EpcisEvent {
  const out: Json = { ...event };
  const one = (v: unknown) => (typeof v === 'string' ? convert(v) : v);
  for (const k of LISTS) if (Array.isArray(out[k])) out[k] = (out[k] as unknown[]).map(one);
  if (typeof out.parentID === 'string') out.parentID = convert(out.parentID);
  for (const k of QUANTITY_LISTS)
    if (Array.isArray(out[k]))
      out[k] = (out[k] as unknown[]).map((q) => (isObject(q) ? { ...q, epcClass: one(q.epcClass) } : q));
  for (const k of ['readPoint', 'bizLocation'])
    if (isObject(out[k])) out[k] = { ...(out[k] as Json), id: one((out[k] as Json).id) };
  return out as EpcisEvent;
}

/**
 * Identifiers in the form the client asked for with GS1-EPC-Format. Absent, No_Preference and
 * Never_Translates: as captured. Always_GS1_Digital_Link: EPC URIs become their GS1 Digital Link.
 * Always_EPC_URN: Digital Links become EPC URIs where the length of their GS1 Company Prefix is
 * known (`gcp`: a Digital Link does not carry it); the others are served as captured.
 */
export function inEpcFormat(events: EpcisEvent[], format: string | undefined, gcp?: GcpLength): EpcisEvent[] {
  if (format === 'Always_GS1_Digital_Link')
    return events.map((e) =>
      mapIds(e, (id) => (id.startsWith('urn:epc:') ? (epcToDigitalLink(id) ?? id) : id)),
    );
  if (format === 'Always_EPC_URN' && gcp)
    return events.map((e) =>
      mapIds(e, (id) => (id.startsWith('urn:') ? id : (digitalLinkToEpc(id, gcp) ?? id))),
    );
  return events;
}
