import type { components } from '../../api/openapi.generated.js';
import { bizStepWord } from '../contracts/index.js';
import { CLASS_ROLES, IdRole } from '../execution/index.js';
import type { IndexReader, TracedEvent } from '../storage/index.js';
import { SEALED_KEY } from '../verify/index.js';

export type TraceDirection = 'backward' | 'forward' | 'both';

export interface TraceLimits {
  /** Objects and classes visited. */
  maxNodes: number;
  /** Distinct events read. */
  maxEvents: number;
}

export const DEFAULT_TRACE_LIMITS: TraceLimits = { maxNodes: 2_000, maxEvents: 10_000 };

// The trace's shapes are the API's, generated from api/openapi.yaml (one definition of each).
/** The trace's shapes come from the spec itself (api/openapi.generated.ts, the ground floor). */
type Schemas = components['schemas'];
export type TraceNode = Schemas['TraceNode'];
export type TraceEdge = Schemas['TraceEdge'];
export type CustodyStep = Schemas['CustodyStep'];
export type Trace = Schemas['Trace'];

export interface TraceResult {
  trace: Trace;
  /** The custody events with their bodies, in custody order. */
  events: TracedEvent[];
}

type Reader = Pick<IndexReader, 'eventsNaming' | 'event'>;

/** What flowed into what: children into the parent (out again on DELETE), inputs into outputs. */
function flowOf(e: TracedEvent): { from: string[]; to: string[] } {
  const having = (...roles: IdRole[]) => e.ids.filter((i) => roles.includes(i.role)).map((i) => i.key);
  const type = e.event.type;
  if (type === 'TransformationEvent') {
    return {
      from: having(IdRole.Input, IdRole.InputClass),
      to: having(IdRole.Output, IdRole.OutputClass),
    };
  }
  if (type === 'AggregationEvent' || type === 'AssociationEvent') {
    const parts = having(IdRole.Child, IdRole.Class);
    const parent = having(IdRole.Parent);
    return e.event.action === 'DELETE' ? { from: parent, to: parts } : { from: parts, to: parent };
  }
  return { from: [], to: [] };
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

class Walk {
  readonly nodes = new Map<string, TraceNode>();
  readonly edges = new Map<string, TraceEdge>();
  readonly events = new Map<number, TracedEvent>();
  truncated = false;

  constructor(
    private readonly reader: Reader,
    private readonly limits: TraceLimits,
  ) {}

  private load(seq: number): TracedEvent | undefined {
    let e = this.events.get(seq);
    if (!e) {
      if (this.events.size >= this.limits.maxEvents) {
        this.truncated = true;
        return undefined;
      }
      e = this.reader.event(seq);
      if (e) this.events.set(seq, e);
    }
    return e;
  }

  /** Breadth-first from `root` along the flow (forward) or against it (backward). */
  run(root: string, forward: boolean): void {
    const depth = new Map<string, number>([[root, 0]]);
    const queue = [root];
    for (let o = queue.shift(); o !== undefined; o = queue.shift()) {
      const d = depth.get(o) ?? 0;
      this.addNode(o, forward || d === 0 ? d : -d);
      for (const seq of this.reader.eventsNaming(o)) {
        const e = this.load(seq);
        if (!e) continue;
        const { from, to } = flowOf(e);
        const [here, there] = forward ? [from, to] : [to, from];
        if (!here.includes(o)) continue;
        for (const next of there) {
          const [f, t] = forward ? [o, next] : [next, o];
          this.addEdge(f, t, e);
          if (depth.has(next)) continue;
          if (depth.size >= this.limits.maxNodes) {
            this.truncated = true;
            continue;
          }
          depth.set(next, d + 1);
          queue.push(next);
        }
      }
    }
  }

  private addNode(id: string, depth: number): void {
    if (this.nodes.has(id)) return;
    this.nodes.set(id, { id, kind: 'object', depth });
  }

  private addEdge(from: string, to: string, e: TracedEvent): void {
    this.edges.set(`${e.seq}\u0000${from}\u0000${to}`, {
      from,
      to,
      eventID: e.eventID,
      eventType: e.event.type,
      eventTime: String(e.event.eventTime ?? ''),
      org: e.org,
      bizStep: e.event.bizStep === undefined ? null : bizStepWord(e.event.bizStep),
    });
  }
}

/** The custody chain's entry for `e`, naming the objects of `traced` it touches. */
export function custodyStep(e: TracedEvent, traced: ReadonlyMap<string, TraceNode>): CustodyStep {
  const { event } = e;
  const bizStep = str(event.bizStep);
  const disposition = str(event.disposition);
  return {
    eventID: e.eventID,
    eventType: event.type,
    eventTime: String(event.eventTime ?? ''),
    recordTime: String(event.recordTime ?? ''),
    org: e.org,
    action: str(event.action),
    bizStep: bizStep === null ? null : bizStepWord(bizStep),
    disposition,
    readPoint: str((event.readPoint as { id?: unknown } | undefined)?.id),
    bizLocation: str((event.bizLocation as { id?: unknown } | undefined)?.id),
    objects: [...new Set(e.ids.filter((i) => traced.has(i.key)).map((i) => i.key))],
    ...sealedOf(event),
  };
}

/** Sealed networks: whether this node served the step's sealed fields (storage/served-event.ts). */
function sealedOf(event: Record<string, unknown>): Pick<CustodyStep, 'sealed'> {
  const ref = event[SEALED_KEY] as { held?: unknown } | undefined;
  if (ref === undefined) return {};
  return { sealed: ref.held === true ? 'held' : 'elsewhere' };
}

/**
 * The provenance graph of an object (canonical key) across aggregation and transformation, and the
 * custody chain of everything in it. Undefined when no committed event names the object.
 */
export function traceObject(
  reader: Reader,
  id: string,
  direction: TraceDirection,
  limits: TraceLimits = DEFAULT_TRACE_LIMITS,
): TraceResult | undefined {
  if (reader.eventsNaming(id).length === 0) return undefined;
  const walk = new Walk(reader, limits);
  if (direction !== 'forward') walk.run(id, false);
  if (direction !== 'backward') walk.run(id, true);
  const events = [...walk.events.values()].filter((e) => e.ids.some((i) => walk.nodes.has(i.key)));
  for (const e of events) {
    for (const i of e.ids) {
      const node = walk.nodes.get(i.key);
      if (node && CLASS_ROLES.includes(i.role)) node.kind = 'class';
    }
  }
  events.sort((a, b) => timeOf(a) - timeOf(b) || a.seq - b.seq);
  const trace: Trace = {
    id,
    direction,
    nodes: [...walk.nodes.values()],
    edges: [...walk.edges.values()],
    custody: events.map((e) => custodyStep(e, walk.nodes)),
    truncated: walk.truncated,
  };
  return { trace, events };
}

/**
 * Every object and class in the lineage of `ids`: what they were made or packed from (backward)
 * and what was made or packed from them (forward), the roots included. The walk is the trace's,
 * with its limits: past them the lineage is cut (seen as less, never as more).
 */
export function lineageOf(
  reader: Reader,
  ids: readonly string[],
  limits: TraceLimits = DEFAULT_TRACE_LIMITS,
  direction: TraceDirection = 'both',
): Set<string> {
  const walk = new Walk(reader, limits);
  for (const id of ids) {
    if (direction !== 'forward') walk.run(id, false);
    if (direction !== 'backward') walk.run(id, true);
  }
  return new Set(walk.nodes.keys());
}

/** What a trace node carries of its object's custody state (GET /objects/{id}'s fields). */
export type NodeState = Pick<Schemas['ObjectState'], 'owner' | 'custodian' | 'status' | 'flags'>;

/**
 * The trace with each node's current owner, custodian, status and flags, so a graph of 1,000 nodes
 * needs no call per node. A node the custody state does not know (a class) stays as it was.
 */
export function withNodeState(trace: Trace, stateOf: (id: string) => NodeState | undefined): Trace {
  const nodes = trace.nodes.map((node) => {
    const s = stateOf(node.id);
    return s ? { ...node, owner: s.owner, custodian: s.custodian, status: s.status, flags: s.flags } : node;
  });
  return { ...trace, nodes };
}

function timeOf(e: TracedEvent): number {
  const ms = Date.parse(String(e.event.eventTime ?? ''));
  return Number.isFinite(ms) ? ms : 0;
}
