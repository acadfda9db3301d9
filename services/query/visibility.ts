import type { IndexReader, TracedEvent } from '../storage/index.js';
import {
  custodyStep,
  DEFAULT_TRACE_LIMITS,
  lineageOf,
  type TraceDirection,
  type TraceLimits,
  type TraceResult,
} from './trace.js';

/**
 * What a member may see of an event (issue 14, "Who sees what" in docs/privacy.md):
 * - `full`: it is one of the event's recipients (privacy/recipients.ts);
 * - `public`: it has owned, held or been consignee of goods in the event's lineage (what the
 *   event's objects were made or packed from, or what was made or packed from them), so provenance
 *   and recalls work along the chain: it sees the public view (the sealing side decides its fields);
 * - `none`: anything else, answered exactly as an unknown id.
 */
export type Access = 'full' | 'public' | 'none';

type Reader = Pick<
  IndexReader,
  'eventsNaming' | 'event' | 'seqOf' | 'receives' | 'receivedAmong' | 'heldAmong' | 'receivesNaming'
>;

/** Per-caller visibility over the event index: one org, one event, object or trace at a time. */
export class Visibility {
  constructor(
    private readonly reader: Reader,
    private readonly limits: TraceLimits = DEFAULT_TRACE_LIMITS,
  ) {}

  /** `org`'s access to a committed event; `none` for an unknown one too. */
  event(org: string, eventID: string): Access {
    const seq = this.reader.seqOf(eventID);
    if (seq === undefined) return 'none';
    if (this.reader.receives(org, seq)) return 'full';
    const event = this.reader.event(seq);
    if (!event) return 'none';
    return this.lineageHeld(org, [...new Set(event.ids.map((i) => i.key))]) ? 'public' : 'none';
  }

  /**
   * `org`'s access to an object's state (canonical key): `full` when it receives an event naming
   * the object, `public` when it held goods in the object's lineage (the object itself included).
   */
  object(org: string, key: string): Access {
    if (this.reader.receivesNaming(org, key)) return 'full';
    return this.lineageHeld(org, [key]) ? 'public' : 'none';
  }

  /** Whether `org` ever held anything in the lineage of `keys`. */
  private lineageHeld(org: string, keys: readonly string[]): boolean {
    if (this.reader.heldAmong(org, keys).size > 0) return true;
    return this.reader.heldAmong(org, [...lineageOf(this.reader, keys, this.limits)]).size > 0;
  }

  /**
   * A trace as `org` may see it: the events it receives, and the events naming goods in the
   * lineage of goods it held, with the nodes and edges they make. Undefined when it may see none
   * (answered like an object no event names). Lineage is judged inside the traced graph, plus the
   * root's other side: goods held downstream of a backward trace's root (or upstream of a forward
   * one's) put the whole graph in their lineage.
   */
  trace(org: string, result: TraceResult, root: string, direction: TraceDirection): TraceResult | undefined {
    const { trace, events } = result;
    const received = this.reader.receivedAmong(
      org,
      events.map((e) => e.seq),
    );
    const nodeIds = trace.nodes.map((n) => n.id);
    let lineage: Set<string>;
    if (direction !== 'both' && this.heldBeyond(org, root, direction)) lineage = new Set(nodeIds);
    else lineage = closure(this.reader.heldAmong(org, nodeIds), trace.edges);
    // An event seen only through the lineage is served as its public view, so neither the custody
    // chain (read points, locations) nor trace.csv (purchase orders, parties) carries its sealed
    // fields, even at a node that holds them for its own organisation.
    const visible = events.flatMap((e): TracedEvent[] => {
      if (received.has(e.seq)) return [e];
      if (!e.ids.some((i) => lineage.has(i.key))) return [];
      const view = this.reader.event(e.seq, 'public');
      return view ? [view] : [];
    });
    if (visible.length === 0) return undefined;
    const byID = new Map(visible.map((e) => [e.eventID, e]));
    const named = new Set(visible.flatMap((e) => e.ids.map((i) => i.key)));
    const traced = new Map(trace.nodes.map((n) => [n.id, n]));
    return {
      trace: {
        ...trace,
        nodes: trace.nodes.filter((n) => lineage.has(n.id) || named.has(n.id)),
        edges: trace.edges.filter((e) => byID.has(e.eventID)),
        custody: trace.custody.flatMap((s) => {
          const e = byID.get(s.eventID);
          return e ? [received.has(e.seq) ? s : custodyStep(e, traced)] : [];
        }),
      },
      events: visible,
    };
  }

  /** Whether `org` held goods on the other side of a one-way trace's root. */
  private heldBeyond(org: string, root: string, direction: 'backward' | 'forward'): boolean {
    const other = lineageOf(
      this.reader,
      [root],
      this.limits,
      direction === 'backward' ? 'forward' : 'backward',
    );
    return this.reader.heldAmong(org, [...other]).size > 0;
  }
}

/** The held nodes, everything upstream of them and everything downstream of them, along the edges. */
function closure(held: ReadonlySet<string>, edges: ReadonlyArray<{ from: string; to: string }>): Set<string> {
  const out = new Set(held);
  for (const [a, b] of [
    ['from', 'to'],
    ['to', 'from'],
  ] as const) {
    const next = new Map<string, string[]>();
    for (const e of edges) next.set(e[a], [...(next.get(e[a]) ?? []), e[b]]);
    const seen = new Set(held);
    const stack = [...held];
    for (let id = stack.pop(); id !== undefined; id = stack.pop()) {
      for (const n of next.get(id) ?? []) {
        if (seen.has(n)) continue;
        seen.add(n);
        out.add(n);
        stack.push(n);
      }
    }
  }
  return out;
}
