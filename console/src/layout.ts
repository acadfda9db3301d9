/**
 * A deterministic layered layout over the trace's own depth (written here rather than taken from
 * dagre or elkjs: the trace already ranks every object, so only the order inside a column is left,
 * and a few barycentre sweeps with ties broken by id give the same picture on every run, in
 * O(E log V), with no 1 MB layout engine in the bundle).
 *
 * Objects sit in even columns (2 × depth); each transformation or aggregation event becomes one
 * small process node in the odd column between its inputs and outputs, so an n×m transformation
 * draws as n + m edges.
 */

export interface LayoutInputNode {
  id: string;
  depth: number;
}

export interface LayoutInputEdge {
  from: string;
  to: string;
  eventID: string;
  eventType: string;
}

export interface LaidNode {
  id: string;
  kind: 'object' | 'event';
  /** The object id, or the eventID of a process node. */
  ref: string;
  column: number;
  row: number;
  x: number;
  y: number;
}

export interface LaidEdge {
  id: string;
  source: string;
  target: string;
  eventID: string;
}

export interface Layout {
  nodes: LaidNode[];
  edges: LaidEdge[];
}

/** Horizontal step between a column of objects and the process column beside it. */
export const COLUMN_STEP = 210;
export const ROW_HEIGHT = 84;
const SWEEPS = 4;

export const eventNodeId = (eventID: string) => `event:${eventID}`;

export function layeredLayout(
  inputNodes: readonly LayoutInputNode[],
  inputEdges: readonly LayoutInputEdge[],
): Layout {
  const column = new Map<string, number>();
  const kinds = new Map<string, LaidNode['kind']>();
  const refs = new Map<string, string>();
  for (const n of inputNodes) {
    column.set(n.id, 2 * n.depth);
    kinds.set(n.id, 'object');
    refs.set(n.id, n.id);
  }
  // One process node per event, one column right of the leftmost of its inputs.
  const byEvent = new Map<string, LayoutInputEdge[]>();
  for (const e of inputEdges) {
    if (!column.has(e.from) || !column.has(e.to)) continue;
    const list = byEvent.get(e.eventID);
    if (list) list.push(e);
    else byEvent.set(e.eventID, [e]);
  }
  const edges: LaidEdge[] = [];
  const seen = new Set<string>();
  const addEdge = (source: string, target: string, eventID: string) => {
    const id = `${source}\u2192${target}`;
    if (seen.has(id)) return;
    seen.add(id);
    edges.push({ id, source, target, eventID });
  };
  for (const eventID of [...byEvent.keys()].sort()) {
    const list = byEvent.get(eventID) ?? [];
    const node = eventNodeId(eventID);
    const fromColumns = list.map((e) => column.get(e.from) ?? 0);
    column.set(node, Math.min(...fromColumns) + 1);
    kinds.set(node, 'event');
    refs.set(node, eventID);
    for (const e of list) {
      addEdge(e.from, node, eventID);
      addEdge(node, e.to, eventID);
    }
  }

  // Columns in id order to start with; then sweeps that sort by the mean row of neighbours.
  const columns = new Map<number, string[]>();
  for (const id of [...column.keys()].sort()) {
    const c = column.get(id) ?? 0;
    const list = columns.get(c);
    if (list) list.push(id);
    else columns.set(c, [id]);
  }
  const order = [...columns.keys()].sort((a, b) => a - b);
  const ins = new Map<string, string[]>();
  const outs = new Map<string, string[]>();
  for (const e of edges) {
    (ins.get(e.target) ?? ins.set(e.target, []).get(e.target))?.push(e.source);
    (outs.get(e.source) ?? outs.set(e.source, []).get(e.source))?.push(e.target);
  }
  const row = new Map<string, number>();
  const assignRows = () => {
    for (const list of columns.values()) for (const [i, id] of list.entries()) row.set(id, i);
  };
  assignRows();
  const sortColumn = (c: number, neighbours: Map<string, string[]>) => {
    const list = columns.get(c);
    if (!list) return;
    const centre = new Map<string, number>();
    for (const id of list) {
      const ns = (neighbours.get(id) ?? []).map((n) => row.get(n) ?? 0);
      centre.set(id, ns.length === 0 ? (row.get(id) ?? 0) : ns.reduce((a, b) => a + b, 0) / ns.length);
    }
    list.sort((a, b) => (centre.get(a) ?? 0) - (centre.get(b) ?? 0) || (a < b ? -1 : a > b ? 1 : 0));
    for (const [i, id] of list.entries()) row.set(id, i);
  };
  for (let s = 0; s < SWEEPS; s++) {
    if (s % 2 === 0) for (const c of order.slice(1)) sortColumn(c, ins);
    else for (const c of order.slice(0, -1).reverse()) sortColumn(c, outs);
  }

  // Columns are centred on the tallest, so a lone node sits level with its neighbours' middle.
  const tallest = Math.max(1, ...[...columns.values()].map((l) => l.length));
  const nodes: LaidNode[] = [];
  for (const c of order) {
    const list = columns.get(c) ?? [];
    const offset = (tallest - list.length) / 2;
    list.forEach((id, i) => {
      nodes.push({
        id,
        kind: kinds.get(id) ?? 'object',
        ref: refs.get(id) ?? id,
        column: c,
        row: i,
        x: (c - (order[0] ?? 0)) * COLUMN_STEP,
        y: (i + offset) * ROW_HEIGHT,
      });
    });
  }
  return { nodes, edges };
}
