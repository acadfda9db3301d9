import { sameJsonText } from '../common/index.js';
import { Directory, sdtWord } from '../contracts/index.js';
import {
  escapeSegment,
  NON_MEMBER_PLACEHOLDER,
  PARTLY_PUBLIC_FIELDS,
  PUBLIC_FIELDS,
  QUANTITY_FIELDS,
  SEALED_KEY,
} from '../verify/index.js';

/**
 * The two tiers of an event (docs/privacy.md). The public view holds exactly what the custody rules
 * read, so every node still judges every event; everything else is sealed. The list is fixed here,
 * not taken from the rules, and `waybill contracts check` refuses a rule that reads outside it
 * (privacy/rule-fields.ts), so what rules read is what every node holds.
 */

// The field lists themselves are browser-safe (services/verify/public-fields.ts), shared with the
// console; this file applies them.
export { NON_MEMBER_PLACEHOLDER, PARTLY_PUBLIC_FIELDS, PUBLIC_FIELDS, QUANTITY_FIELDS };

const TEMPERATURE_TYPES = new Set([
  'Temperature',
  'gs1:Temperature',
  'https://gs1.org/voc/Temperature',
  'https://ref.gs1.org/voc/Temperature',
]);

/** What the public view depends on besides the event: the members and the ilmd keys rules name. */
export interface TierContext {
  directory: Directory;
  /** ilmd keys the rules read (the `create` effect's temperature parameters). */
  publicIlmdKeys: ReadonlySet<string>;
  /**
   * What the view depends on of the members: each member's id, parties and sites, canonical. Two
   * contexts with the same key give every event the same public view.
   */
  membersKey: string;
}

type TierMember = { id: string; parties: readonly string[]; locations: readonly string[] };

export function tierContext(
  members: ReadonlyArray<TierMember>,
  publicIlmdKeys: Iterable<string>,
): TierContext {
  return {
    directory: new Directory(
      members as ReadonlyArray<{ id: string; parties: string[]; locations: string[] }>,
    ),
    publicIlmdKeys: new Set(publicIlmdKeys),
    membersKey: membersKeyOf(members),
  };
}

/** The members' parties and sites by id, sorted, as one string (what TierContext.membersKey compares). */
function membersKeyOf(members: ReadonlyArray<TierMember>): string {
  const rows = members
    .map((m) => [m.id, [...m.parties].sort(), [...m.locations].sort()] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return JSON.stringify(rows);
}

/** The tier context in force at each height. */
export interface TierBook {
  at(height: number): TierContext;
}

/**
 * The public view resolves parties and sites against the members at a height (the member book's,
 * so a member admitted by governance is a member here as it is to the custody rules and the
 * recipients); one context per distinct member list, built once.
 */
export class Tiers implements TierBook {
  private readonly contexts = new WeakMap<object, TierContext>();
  private readonly ilmdKeys: readonly string[];

  constructor(
    private readonly members: { membersAt(height: number): ReadonlyArray<TierMember> },
    publicIlmdKeys: Iterable<string>,
  ) {
    this.ilmdKeys = [...publicIlmdKeys];
  }

  at(height: number): TierContext {
    const members = this.members.membersAt(height);
    let context = this.contexts.get(members);
    if (!context) {
      context = tierContext(members, this.ilmdKeys);
      this.contexts.set(members, context);
    }
    return context;
  }
}

export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function quantityPart(list: unknown): unknown {
  if (!Array.isArray(list)) return list;
  return list.map((q) => {
    if (!isRecord(q)) return q;
    const out: Record<string, unknown> = {};
    for (const k of ['epcClass', 'quantity', 'uom']) if (k in q) out[k] = q[k];
    return out;
  });
}

function partyPart(list: unknown, field: 'source' | 'destination', ctx: TierContext): unknown {
  if (!Array.isArray(list)) return list;
  return list.map((entry) => {
    if (!isRecord(entry)) return entry;
    const id = entry[field];
    const out: Record<string, unknown> = { type: entry.type };
    if (typeof id !== 'string') return out;
    const type = sdtWord(entry.type);
    const member = type === 'location' ? ctx.directory.locationOrg(id) : ctx.directory.partyOrg(id);
    out[field] = member === undefined ? NON_MEMBER_PLACEHOLDER : id;
    return out;
  });
}

function locationPart(value: unknown, ctx: TierContext): unknown {
  if (!isRecord(value) || typeof value.id !== 'string') return undefined;
  return ctx.directory.locationOrg(value.id) === undefined ? undefined : { id: value.id };
}

function ilmdPart(value: unknown, ctx: TierContext): unknown {
  if (!isRecord(value)) return undefined;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value)) if (ctx.publicIlmdKeys.has(k)) out[k] = value[k];
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Temperature reports' type and values; every element stays, so `has(event.sensorElementList)` holds. */
function sensorPart(value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  return value.map((element) => {
    const reports = isRecord(element) ? element.sensorReport : undefined;
    if (!Array.isArray(reports)) return {};
    return {
      sensorReport: reports.filter(isRecord).map((r) => {
        const out: Record<string, unknown> = {};
        if (typeof r.type !== 'string' || !TEMPERATURE_TYPES.has(r.type)) return out;
        for (const k of ['type', 'value', 'minValue', 'maxValue']) if (k in r) out[k] = r[k];
        return out;
      }),
    };
  });
}

function partOf(field: string, value: unknown, ctx: TierContext): unknown {
  if (QUANTITY_FIELDS.has(field)) return quantityPart(value);
  switch (field) {
    case 'sourceList':
      return partyPart(value, 'source', ctx);
    case 'destinationList':
      return partyPart(value, 'destination', ctx);
    case 'readPoint':
    case 'bizLocation':
      return locationPart(value, ctx);
    case 'ilmd':
      return ilmdPart(value, ctx);
    case 'sensorElementList':
      return sensorPart(value);
    default:
      return undefined;
  }
}

/** The public view of an event (without its `wb:sealed` commitment, which sealing adds). */
export function publicView(event: Record<string, unknown>, ctx: TierContext): Record<string, unknown> {
  const view: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(event)) {
    if (field === SEALED_KEY) continue;
    if (PUBLIC_FIELDS.has(field)) view[field] = value;
    else if (PARTLY_PUBLIC_FIELDS.has(field)) {
      const part = partOf(field, value, ctx);
      if (part !== undefined) view[field] = part;
    }
  }
  return view;
}

/** One sealed field: where it is in the event and its value there. */
export interface SealedField {
  path: string;
  value: unknown;
}

/** Whether a field or element is shown as captured (what sealedFields and sealedPartOf compare). */
export function sameValue(a: unknown, b: unknown): boolean {
  return a === b || (a !== undefined && b !== undefined && sameJsonText(a, b));
}

/**
 * The event's sealed fields: each top-level field the view lacks or shows only in part, list
 * elements and object members one by one (so one purchase order or one ilmd attribute can be
 * disclosed alone), in a stable order. A field the view shows whole is not sealed.
 */
export function sealedFields(event: Record<string, unknown>, view: Record<string, unknown>): SealedField[] {
  const out: SealedField[] = [];
  for (const field of Object.keys(event).sort()) {
    const value = event[field];
    const shown = view[field];
    if (field === SEALED_KEY || sameValue(value, shown)) continue;
    const base = escapeSegment(field);
    if (Array.isArray(value)) {
      value.forEach((v, i) => {
        if (!Array.isArray(shown) || !sameValue(v, shown[i])) out.push({ path: `${base}/${i}`, value: v });
      });
    } else if (isRecord(value)) {
      for (const k of Object.keys(value).sort()) {
        if (!isRecord(shown) || !sameValue(value[k], shown[k])) {
          out.push({ path: `${base}/${escapeSegment(k)}`, value: value[k] });
        }
      }
    } else {
      out.push({ path: base, value });
    }
  }
  return out;
}
