import type { components } from '../../services/client/index.js';

type Trace = components['schemas']['Trace'];
type TraceEdge = components['schemas']['TraceEdge'];

/** The part of a trace the lineage shows: nodes within `depth` of the traced object, plus expanded frontiers. */
export function visibleTrace(trace: Trace, depth: number, expanded: ReadonlySet<string>): Trace {
  const visible = new Set(trace.nodes.filter((n) => Math.abs(n.depth) <= depth).map((n) => n.id));
  for (const e of trace.edges) {
    if (expanded.has(e.from)) visible.add(e.to);
    if (expanded.has(e.to)) visible.add(e.from);
  }
  return {
    ...trace,
    nodes: trace.nodes.filter((n) => visible.has(n.id)),
    edges: trace.edges.filter((e) => visible.has(e.from) && visible.has(e.to)),
  };
}

/** How many neighbours of each visible node are hidden: the frontier an auditor may expand. */
export function hiddenNeighbours(trace: Trace, shown: Trace): Map<string, number> {
  const visible = new Set(shown.nodes.map((n) => n.id));
  const count = new Map<string, number>();
  for (const e of trace.edges) {
    if (visible.has(e.from) && !visible.has(e.to)) count.set(e.from, (count.get(e.from) ?? 0) + 1);
    if (visible.has(e.to) && !visible.has(e.from)) count.set(e.to, (count.get(e.to) ?? 0) + 1);
  }
  return count;
}

/** Everything upstream and downstream of `id`: the path the lineage highlights. */
export function pathThrough(edges: readonly { source: string; target: string }[], id: string): Set<string> {
  const out = new Map<string, string[]>();
  const inn = new Map<string, string[]>();
  for (const e of edges) {
    (out.get(e.source) ?? out.set(e.source, []).get(e.source))?.push(e.target);
    (inn.get(e.target) ?? inn.set(e.target, []).get(e.target))?.push(e.source);
  }
  const seen = new Set([id]);
  for (const next of [out, inn]) {
    const stack = [id];
    for (let n = stack.pop(); n !== undefined; n = stack.pop()) {
      for (const m of next.get(n) ?? []) {
        if (seen.has(m)) continue;
        seen.add(m);
        stack.push(m);
      }
    }
  }
  return seen;
}

/** Organisations in the order goods flowed through them: first appearance in the custody chain. */
export function flowOrder(trace: Trace): string[] {
  const orgs: string[] = [];
  for (const s of trace.custody) if (!orgs.includes(s.org)) orgs.push(s.org);
  return orgs;
}

export const edgeEvents = (edges: readonly TraceEdge[]) => [...new Set(edges.map((e) => e.eventID))];
