import { idKey, sdtWord } from './ids.js';
import type { CustodyState } from './state.js';
import type { Member, ObjectState } from './types.js';

/** A quantity element of the event: class key, amount (a double, as in JSON) and unit. */
export interface QuantityRef {
  epcClass: string;
  quantity: number;
  uom: string;
}

/** The identifiers an event names, by role, as canonical keys (duplicates removed). */
export interface EventRoles {
  /** Every object named: epcList, parentID, childEPCs, inputs, outputs. */
  objects: string[];
  parent?: string;
  children: string[];
  inputs: string[];
  outputs: string[];
  quantities: QuantityRef[];
  outputQuantities: QuantityRef[];
}

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];

function keys(...lists: unknown[]): string[] {
  const out = new Set<string>();
  for (const list of lists) for (const id of strings(list)) out.add(idKey(id));
  return [...out];
}

function quantityRefs(value: unknown): QuantityRef[] {
  if (!Array.isArray(value)) return [];
  const out: QuantityRef[] = [];
  for (const q of value) {
    if (typeof q !== 'object' || q === null) continue;
    const { epcClass, quantity, uom } = q as Record<string, unknown>;
    if (typeof epcClass !== 'string') continue;
    out.push({
      epcClass: idKey(epcClass),
      quantity: typeof quantity === 'number' && Number.isFinite(quantity) ? quantity : 0,
      uom: typeof uom === 'string' ? uom : '',
    });
  }
  return out;
}

export function eventRoles(event: Record<string, unknown>): EventRoles {
  const parent = typeof event.parentID === 'string' ? idKey(event.parentID) : undefined;
  switch (event.type) {
    case 'AggregationEvent':
    case 'AssociationEvent': {
      const children = keys(event.childEPCs);
      return {
        objects: parent === undefined ? children : keys([parent], children),
        parent,
        children,
        inputs: [],
        outputs: [],
        quantities: quantityRefs(event.childQuantityList),
        outputQuantities: [],
      };
    }
    case 'TransformationEvent': {
      const inputs = keys(event.inputEPCList);
      const outputs = keys(event.outputEPCList);
      return {
        objects: keys(inputs, outputs),
        children: [],
        inputs,
        outputs,
        quantities: quantityRefs(event.inputQuantityList),
        outputQuantities: quantityRefs(event.outputQuantityList),
      };
    }
    default: {
      const listed = keys(event.epcList);
      return {
        objects: parent === undefined ? listed : keys([parent], listed),
        parent,
        children: [],
        inputs: [],
        outputs: [],
        quantities: quantityRefs(event.quantityList),
        outputQuantities: [],
      };
    }
  }
}

/** Which member a party id or location id belongs to. */
export class Directory {
  private readonly parties = new Map<string, string>();
  private readonly locations = new Map<string, string>();
  readonly members = new Map<string, Member>();

  constructor(members: readonly Member[]) {
    for (const m of members) {
      this.members.set(m.id, m);
      for (const p of m.parties) this.parties.set(idKey(p), m.id);
      for (const l of m.locations) this.locations.set(idKey(l), m.id);
    }
  }

  partyOrg(id: string): string | undefined {
    return this.parties.get(idKey(id));
  }

  locationOrg(id: string): string | undefined {
    return this.locations.get(idKey(id));
  }
}

/** A source or destination list resolved to members ('' where the list names no member). */
export interface Parties {
  given: boolean;
  /** Possessing party (or else location) as a member org id. */
  org: string;
  /** Owning party as a member org id. */
  owner: string;
  /** Whether any entry names a member. */
  member: boolean;
}

export function resolveParties(
  list: unknown,
  directory: Directory,
  field: 'source' | 'destination',
): Parties {
  const out: Parties = { given: false, org: '', owner: '', member: false };
  if (!Array.isArray(list)) return out;
  let possessing: string | undefined;
  let location: string | undefined;
  for (const entry of list) {
    if (typeof entry !== 'object' || entry === null) continue;
    const e = entry as Record<string, unknown>;
    const id = e[field];
    if (typeof id !== 'string') continue;
    out.given = true;
    const type = sdtWord(e.type);
    if (type === 'possessing_party') {
      possessing = directory.partyOrg(id) ?? '';
    } else if (type === 'owning_party') {
      out.owner = directory.partyOrg(id) ?? '';
      if (out.owner) out.member = true;
    } else if (type === 'location') {
      location = directory.locationOrg(id) ?? '';
    }
  }
  out.org = possessing ?? location ?? '';
  if (out.org) out.member = true;
  // A known location with an unknown possessing party is still a member's site.
  if (possessing === '' && location) out.member = true;
  return out;
}

/** An object as CEL sees it: always the same fields, '' / [] where unset. */
export function objectView(id: string, object: ObjectState | undefined): Record<string, unknown> {
  if (!object) {
    return {
      id,
      exists: false,
      owner: '',
      custodian: '',
      status: '',
      flags: [],
      consignee: '',
      commissioner: '',
      parent: '',
      children: [],
    };
  }
  return {
    id,
    exists: true,
    owner: object.owner,
    custodian: object.custodian,
    status: object.status,
    flags: object.flags,
    consignee: object.consignee ?? '',
    commissioner: object.commissioner,
    parent: object.parent ?? '',
    children: object.children ?? [],
  };
}

export const transitHolder = (org: string) => `transit:${org}`;

export function quantityView(q: QuantityRef, org: string, state: CustodyState): Record<string, unknown> {
  return {
    epcClass: q.epcClass,
    quantity: q.quantity,
    uom: q.uom,
    held: state.getBalance({ epcClass: q.epcClass, uom: q.uom, holder: org }),
    inTransit: state.getBalance({ epcClass: q.epcClass, uom: q.uom, holder: transitHolder(org) }),
  };
}
