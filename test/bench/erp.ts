/**
 * ERP clients for the load benchmark: one per member organisation, each sending EPCIS 2.0 capture
 * documents (1–100 events) whose events make custody sense under contracts/custody.yaml, so the
 * nodes run the same rules on them as in production. Each client commissions items at its own
 * site, observes, transforms and packs what it holds, ships to the next member and receives what
 * was shipped to it. An item is used again only once it is `MATURE_MS` old, by when its previous
 * event is normally committed; past saturation it may not be, and the node rejects the event
 * (a committed verdict all the same, counted apart). A document the node refuses (429 past
 * saturation) or never answers retires every item it names, as an ERP that gave up on a capture
 * would not build on it: otherwise each refusal turned the later events on its items into
 * rejections (UNKNOWN_OBJECT, INPUT_NOT_HELD), a third to a half of what was committed past
 * saturation, and more of them in the network that refused more.
 */

/** Age after which an item's last event is taken as committed. */
const MATURE_MS = 5_000;
const EVENT_TIME = '2026-06-01T10:00:00.000Z';
export const CONTEXT = ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'];

export interface ErpMember {
  org: string;
  index: number;
  party: string;
  site: string;
}

type Ev = Record<string, unknown>;
type Kind = 'commission' | 'observe' | 'transform' | 'pack' | 'ship' | 'receive';

/** Share of each kind of event in a document (when the client holds items for it). */
const MIX: Array<[Kind, number]> = [
  ['commission', 0.35],
  ['observe', 0.2],
  ['ship', 0.15],
  ['receive', 0.15],
  ['transform', 0.1],
  ['pack', 0.05],
];

/** Items with the time they became usable, oldest first. */
export class Pool {
  private items: Array<{ id: string; at: number }> = [];
  private head = 0;
  /** `retired`: items never to be handed out again (named by a refused document). */
  constructor(private readonly retired: ReadonlySet<string>) {}
  add(id: string, at: number): void {
    this.items.push({ id, at });
  }
  /** An item at least MATURE_MS old and not retired, removed from the pool; undefined when none is. */
  take(now: number): string | undefined {
    for (;;) {
      const item = this.items[this.head];
      if (!item || now - item.at < MATURE_MS) return undefined;
      this.head++;
      if (this.head > 4096) {
        this.items = this.items.slice(this.head);
        this.head = 0;
      }
      if (!this.retired.has(item.id)) return item.id;
    }
  }
}

/** Every identifier an event names (epcList, inputs, outputs, children). */
function namedIds(event: Ev): string[] {
  const out: string[] = [];
  for (const key of ['epcList', 'inputEPCList', 'outputEPCList', 'childEPCs']) {
    const list = event[key];
    if (Array.isArray(list)) out.push(...(list as string[]));
  }
  return out;
}

export class ErpClient {
  /** Items named by a document that was refused: neither this client nor the next uses them. */
  readonly retired = new Set<string>();
  private readonly held = new Pool(this.retired);
  /** Items shipped to this member, waiting to be received. */
  readonly inbound = new Pool(this.retired);
  private serial = 0;
  private pallets = 0;
  private readonly tag: string;

  constructor(
    readonly me: ErpMember,
    private readonly next: () => ErpClient,
    run: string,
  ) {
    this.tag = `${run}${me.org.slice(0, 3)}`;
  }

  private base(type: string, fields: Ev): Ev {
    return {
      type,
      eventID: `urn:uuid:${crypto.randomUUID()}`,
      eventTime: EVENT_TIME,
      eventTimeZoneOffset: '+00:00',
      readPoint: { id: this.me.site },
      bizLocation: { id: this.me.site },
      ...fields,
    };
  }

  private fresh(): string {
    return `urn:epc:id:sgtin:0614141.107346.${this.tag}${this.serial++}`;
  }

  private event(kind: Kind, now: number): Ev {
    switch (kind) {
      case 'observe': {
        const id = this.held.take(now);
        if (!id) break;
        this.held.add(id, now);
        return this.base('ObjectEvent', { action: 'OBSERVE', bizStep: 'storing', epcList: [id] });
      }
      case 'transform': {
        const input = this.held.take(now);
        if (!input) break;
        const output = this.fresh();
        this.held.add(output, now);
        return this.base('TransformationEvent', {
          bizStep: 'creating_class_instance',
          inputEPCList: [input],
          outputEPCList: [output],
        });
      }
      case 'pack': {
        const a = this.held.take(now);
        const b = a && this.held.take(now);
        if (!a || !b) break; // a lone `a` is dropped: it stays commissioned and unused
        // Serial reference: extension digit = member index, then a per-client counter.
        const pallet = `urn:epc:id:sscc:0614141.${this.me.index % 10}${String(this.pallets++).padStart(9, '0')}`;
        return this.base('AggregationEvent', {
          action: 'ADD',
          bizStep: 'packing',
          disposition: 'in_progress',
          parentID: pallet,
          childEPCs: [a, b],
        });
      }
      case 'ship': {
        const id = this.held.take(now);
        if (!id) break;
        const to = this.next();
        to.inbound.add(id, now);
        return this.base('ObjectEvent', {
          action: 'OBSERVE',
          bizStep: 'shipping',
          disposition: 'in_transit',
          epcList: [id],
          sourceList: [{ type: 'possessing_party', source: this.me.party }],
          destinationList: [{ type: 'possessing_party', destination: to.me.party }],
        });
      }
      case 'receive': {
        const id = this.inbound.take(now);
        if (!id) break;
        this.held.add(id, now);
        return this.base('ObjectEvent', {
          action: 'OBSERVE',
          bizStep: 'receiving',
          disposition: 'in_progress',
          epcList: [id],
          destinationList: [{ type: 'possessing_party', destination: this.me.party }],
        });
      }
      case 'commission':
        break;
    }
    const id = this.fresh();
    this.held.add(id, now);
    return this.base('ObjectEvent', {
      action: 'ADD',
      bizStep: 'commissioning',
      disposition: 'active',
      epcList: [id],
    });
  }

  /** Math.random is fine here: the bench is not consensus code. */
  private kind(): Kind {
    let r = Math.random();
    for (const [kind, share] of MIX) {
      r -= share;
      if (r < 0) return kind;
    }
    return 'commission';
  }

  /** One capture document of `count` events, serialised. */
  document(count: number, now: number): string {
    return this.capture(count, now).body;
  }

  /**
   * One capture document, and what to do if the node refuses it: retire the items it names, here
   * and at the next member (where it shipped some).
   */
  capture(count: number, now: number): { body: string; refused(): void } {
    const eventList = Array.from({ length: count }, () => this.event(this.kind(), now));
    const body = JSON.stringify({
      '@context': CONTEXT,
      type: 'EPCISDocument',
      schemaVersion: '2.0',
      creationDate: EVENT_TIME,
      epcisBody: { eventList },
    });
    return {
      body,
      refused: () => {
        const next = this.next();
        for (const event of eventList) {
          for (const id of namedIds(event)) {
            this.retired.add(id);
            next.retired.add(id);
          }
        }
      },
    };
  }
}

/** One client per member; each ships to the next member in the ring. */
export function erpClients(members: ErpMember[], run: string): ErpClient[] {
  const clients: ErpClient[] = [];
  members.forEach((m, i) => {
    clients.push(new ErpClient(m, () => clients[(i + 1) % clients.length] as ErpClient, run));
  });
  return clients;
}

/** 1 to 100 events, uniformly: a mean of 50.5 events per document. */
export const documentSize = (): number => 1 + Math.floor(Math.random() * 100);
