import { type EventRoles, type Parties, type QuantityRef, transitHolder } from './event-view.js';
import { idKey } from './ids.js';
import type { EffectSpec } from './rules.js';
import type { CustodyState } from './state.js';
import type { EvalContext, ObjectState, ObjectStatus } from './types.js';

/** Everything an effect needs, computed once per event by the engine. */
export interface EffectInput {
  event: Record<string, unknown>;
  ctx: EvalContext;
  roles: EventRoles;
  dest: Parties;
  source: Parties;
  /**
   * Where the event happened, as the objects' `location`: its bizLocation or readPoint, only when
   * that is a member's genesis location. Another site stays out of the custody state, which every
   * member holds: in a sealed network it is a sealed field (docs/privacy.md).
   */
  location?: string;
}

const eventIdOf = (event: Record<string, unknown>) =>
  typeof event.eventID === 'string' ? event.eventID : '';

/** The event's bizLocation, else readPoint, when `known` says it is a member's location. */
export function memberLocationOf(
  event: Record<string, unknown>,
  known: (id: string) => boolean,
): string | undefined {
  for (const field of ['bizLocation', 'readPoint']) {
    const value = event[field] as { id?: unknown } | undefined;
    if (typeof value?.id === 'string' && known(value.id)) return idKey(value.id);
  }
  return undefined;
}

/** A container holds recalled goods (effects.ts recall); derived from its contents. */
const CONTAINS_RECALLED = 'contains_recalled';

const addFlag = (flags: string[], flag: string) => (flags.includes(flag) ? flags : [...flags, flag].sort());
const addUnique = (list: string[] | undefined, id: string) => {
  const base = list ?? [];
  return base.includes(id) ? base : [...base, id];
};

/** Applies the effects of an accepted event, in order, to `state`. */
export function applyEffects(effects: readonly EffectSpec[], input: EffectInput, state: CustodyState): void {
  const run = new EffectRun(input, state);
  for (const effect of effects) run.apply(effect);
  run.touchAll();
}

class EffectRun {
  /** Objects the event physically involved: they get lastEventID and location, in this order. */
  private readonly touched = new Set<string>();
  private readonly org: string;
  private readonly eventID: string;

  constructor(
    private readonly input: EffectInput,
    private readonly state: CustodyState,
  ) {
    this.org = input.ctx.org;
    this.eventID = eventIdOf(input.event);
  }

  apply(effect: EffectSpec): void {
    const { roles } = this.input;
    switch (effect.op) {
      case 'create': {
        const of = effect.params.of ?? 'objects';
        const ids =
          of === 'outputs'
            ? roles.outputs
            : of === 'parent'
              ? roles.parent
                ? [roles.parent]
                : []
              : roles.objects;
        for (const id of ids) this.create(id, of === 'outputs' ? roles.inputs : [], effect.params);
        this.credit(
          of === 'outputs' ? roles.outputQuantities : of === 'objects' ? roles.quantities : [],
          this.org,
        );
        return;
      }
      case 'ship':
        this.ship();
        return;
      case 'receive':
        this.receive();
        return;
      case 'pack':
        this.pack();
        return;
      case 'unpack':
        this.unpack();
        return;
      case 'consume':
        for (const id of roles.inputs) this.update(id, (o) => ({ ...o, status: 'consumed' }));
        this.debit(roles.quantities, this.org);
        return;
      case 'terminate': {
        const status = (effect.params.status ?? 'destroyed') as ObjectStatus;
        const flag = effect.params.flag;
        for (const id of this.withDescendants(roles.objects)) {
          this.update(id, (o) => ({ ...o, status, flags: flag ? addFlag(o.flags, flag) : o.flags }));
        }
        this.debit(roles.quantities, this.org);
        return;
      }
      case 'recall':
        this.recall();
        return;
      case 'sensor':
        this.sensor();
        return;
      case 'observe':
        for (const id of roles.objects) this.touched.add(id);
        return;
    }
  }

  touchAll(): void {
    const { location } = this.input;
    for (const id of this.touched) {
      const object = this.state.getObject(id);
      if (!object) continue;
      const next: ObjectState = { ...object, lastEventID: this.eventID };
      if (location !== undefined) next.location = location;
      this.state.putObject(next);
    }
  }

  private update(id: string, change: (object: ObjectState) => ObjectState, touch = true): void {
    const object = this.state.getObject(id);
    if (!object) return;
    this.state.putObject(change(object));
    if (touch) this.touched.add(id);
  }

  private create(id: string, inputs: string[], params: Record<string, string>): void {
    const object: ObjectState = {
      id,
      owner: this.org,
      custodian: this.org,
      status: 'active',
      flags: [],
      lastEventID: this.eventID,
      commissioner: this.org,
    };
    if (inputs.length > 0) {
      object.inputs = [...inputs];
      // What is made from recalled goods is recalled too.
      if (inputs.some((input) => this.state.getObject(input)?.flags.includes('recalled'))) {
        object.flags = ['recalled'];
      }
      for (const input of inputs) this.update(input, (o) => ({ ...o, outputs: addUnique(o.outputs, id) }));
    }
    const range = this.temperatureRange(params);
    if (range) object.temperature = range;
    this.state.putObject(object);
    this.touched.add(id);
  }

  private temperatureRange(params: Record<string, string>): { min: number; max: number } | undefined {
    const { minTemperature, maxTemperature } = params;
    if (minTemperature === undefined || maxTemperature === undefined) return undefined;
    const ilmd = this.input.event.ilmd as Record<string, unknown> | undefined;
    const min = ilmd?.[minTemperature];
    const max = ilmd?.[maxTemperature];
    return typeof min === 'number' && typeof max === 'number' ? { min, max } : undefined;
  }

  /** The ids and, depth first, everything aggregated inside them. */
  private withDescendants(ids: readonly string[]): string[] {
    const out: string[] = [];
    const seen = new Set<string>();
    const visit = (id: string) => {
      if (seen.has(id)) return;
      seen.add(id);
      out.push(id);
      for (const child of this.state.getObject(id)?.children ?? []) visit(child);
    };
    for (const id of ids) visit(id);
    return out;
  }

  private ship(): void {
    const consignee = this.input.dest.org;
    for (const id of this.withDescendants(this.input.roles.objects)) {
      this.update(id, (o) => ({ ...o, status: 'in_transit', consignee }));
    }
    this.debit(this.input.roles.quantities, this.org);
    this.credit(this.input.roles.quantities, transitHolder(consignee));
  }

  private receive(): void {
    const newOwner = this.input.dest.owner;
    for (const id of this.input.roles.objects) {
      if (!this.state.getObject(id)) {
        // Introduced from outside the consortium: the receiver owns and holds it.
        this.create(id, [], {});
        continue;
      }
      for (const each of this.withDescendants([id])) {
        this.update(each, (o) => {
          const next: ObjectState = { ...o, status: 'active', custodian: this.org };
          delete next.consignee;
          if (newOwner) next.owner = newOwner;
          return next;
        });
      }
    }
    for (const q of this.input.roles.quantities) {
      const transit = { epcClass: q.epcClass, uom: q.uom, holder: transitHolder(this.org) };
      const pending = this.state.getBalance(transit);
      this.state.setBalance(transit, pending - Math.min(pending, q.quantity));
    }
    this.credit(this.input.roles.quantities, this.org);
  }

  private pack(): void {
    const { parent, children } = this.input.roles;
    if (parent === undefined) return;
    if (!this.state.getObject(parent)) this.create(parent, [], {});
    for (const child of children) {
      const previous = this.state.getObject(child)?.parent;
      if (previous !== undefined && previous !== parent) {
        this.update(previous, (o) => withoutChild(o, child), false);
      }
      this.update(child, (o) => ({ ...o, parent }));
      this.update(parent, (o) => ({ ...o, children: addUnique(o.children, child) }));
      if (previous !== undefined && previous !== parent) this.refreshContainers(previous);
    }
    this.refreshContainers(parent);
    this.touched.add(parent);
  }

  private unpack(): void {
    const { parent, children } = this.input.roles;
    if (parent === undefined) return;
    const named = children.length > 0 ? children : [...(this.state.getObject(parent)?.children ?? [])];
    for (const child of named) {
      this.update(child, (o) => {
        if (o.parent !== parent) return o;
        const next = { ...o };
        delete next.parent;
        return next;
      });
      this.update(parent, (o) => withoutChild(o, child));
    }
    this.refreshContainers(parent);
  }

  /**
   * Flags `recalled` on the named objects and everything packed in or made from them,
   * transitively; the containers holding any of them get `contains_recalled`.
   */
  private recall(): void {
    const seen = new Set<string>();
    const queue = [...this.input.roles.objects];
    for (let i = 0; i < queue.length; i++) {
      const id = queue[i] as string;
      if (seen.has(id)) continue;
      seen.add(id);
      const object = this.state.getObject(id);
      if (!object) continue;
      this.state.putObject({ ...object, flags: addFlag(object.flags, 'recalled') });
      queue.push(...(object.children ?? []), ...(object.outputs ?? []));
    }
    for (const id of seen) this.refreshContainers(this.state.getObject(id)?.parent);
    for (const id of this.input.roles.objects) this.touched.add(id);
  }

  /**
   * `contains_recalled` on a container and its ancestors follows their contents: set while any
   * child is recalled or contains recalled goods, cleared once they are unpacked. Derived, unlike
   * `recalled`, so a pallet is clean again when the recalled case comes off it.
   */
  private refreshContainers(start: string | undefined): void {
    const seen = new Set<string>();
    for (let id = start; id !== undefined && !seen.has(id); ) {
      seen.add(id);
      const container = this.state.getObject(id);
      if (!container) return;
      const tainted = (container.children ?? []).some((c) => {
        const flags = this.state.getObject(c)?.flags ?? [];
        return flags.includes('recalled') || flags.includes(CONTAINS_RECALLED);
      });
      const flags = tainted
        ? addFlag(container.flags, CONTAINS_RECALLED)
        : container.flags.filter((f) => f !== CONTAINS_RECALLED);
      if (flags.length !== container.flags.length) this.state.putObject({ ...container, flags });
      id = container.parent;
    }
  }

  private sensor(): void {
    const readings = temperatureReadings(this.input.event);
    if (readings.length === 0) return;
    for (const id of this.withDescendants(this.input.roles.objects)) {
      const object = this.state.getObject(id);
      const range = object?.temperature;
      if (!object || !range) continue;
      const outside = readings.find((v) => v < range.min || v > range.max);
      if (outside === undefined) continue;
      this.state.putObject({ ...object, flags: addFlag(object.flags, 'temperature_excursion') });
      this.state.addAlert({
        type: 'temperature_excursion',
        object: id,
        eventID: this.eventID,
        value: outside,
        min: range.min,
        max: range.max,
      });
    }
  }

  private credit(quantities: readonly QuantityRef[], holder: string): void {
    for (const q of quantities) {
      const key = { epcClass: q.epcClass, uom: q.uom, holder };
      const next = this.state.getBalance(key) + q.quantity;
      // Rule sets should bound quantities; an overflow must still never reach the state root.
      if (Number.isFinite(next)) this.state.setBalance(key, next);
    }
  }

  /** Never below zero: rules reject shipping or consuming more than held. */
  private debit(quantities: readonly QuantityRef[], holder: string): void {
    for (const q of quantities) {
      const key = { epcClass: q.epcClass, uom: q.uom, holder };
      this.state.setBalance(key, Math.max(0, this.state.getBalance(key) - q.quantity));
    }
  }
}

function withoutChild(object: ObjectState, child: string): ObjectState {
  const next = { ...object };
  const children = (object.children ?? []).filter((c) => c !== child);
  if (children.length > 0) next.children = children;
  else delete next.children;
  return next;
}

const TEMPERATURE_TYPES = new Set([
  'Temperature',
  'gs1:Temperature',
  'https://gs1.org/voc/Temperature',
  'https://ref.gs1.org/voc/Temperature',
]);

/** Every temperature value, minValue and maxValue of the event's sensor reports (Celsius). */
export function temperatureReadings(event: Record<string, unknown>): number[] {
  const out: number[] = [];
  const elements = event.sensorElementList;
  if (!Array.isArray(elements)) return out;
  for (const element of elements) {
    const reports = (element as { sensorReport?: unknown } | null)?.sensorReport;
    if (!Array.isArray(reports)) continue;
    for (const report of reports) {
      const r = report as Record<string, unknown> | null;
      if (!r || typeof r.type !== 'string' || !TEMPERATURE_TYPES.has(r.type)) continue;
      for (const field of ['value', 'minValue', 'maxValue']) {
        const v = r[field];
        if (typeof v === 'number' && Number.isFinite(v)) out.push(v);
      }
    }
  }
  return out;
}
