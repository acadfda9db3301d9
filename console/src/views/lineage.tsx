import { Background, Controls, type Edge, MiniMap, ReactFlow, type ReactFlowInstance } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { Trace } from '../api.js';
import { flagText, STATUS_TEXT, shortId, useNames } from '../common.js';
import { hiddenNeighbours, pathThrough, visibleTrace } from '../graph.js';
import { type LaidNode, layeredLayout } from '../layout.js';
import {
  estimatedSize,
  type GraphControls,
  GraphControlsContext,
  type GraphNode,
  handlesOf,
  nodeTypes,
} from './graph-node.js';
import type { Selection } from './selection.js';

export function Lineage({
  trace,
  depth,
  selected,
  select,
  setDepth,
}: {
  trace: Trace;
  depth: number;
  selected: string | undefined;
  select: (s: Selection | undefined) => void;
  setDepth: (d: number) => void;
}) {
  const names = useNames();
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const [pathOnly, setPathOnly] = useState(false);
  const maxDepth = Math.max(1, ...trace.nodes.map((n) => Math.abs(n.depth)));
  const shown = useMemo(() => visibleTrace(trace, depth, expanded), [trace, depth, expanded]);
  const hidden = useMemo(() => hiddenNeighbours(trace, shown), [trace, shown]);
  const layout = useMemo(() => layeredLayout(shown.nodes, shown.edges), [shown]);
  const [focusId, setFocusId] = useState<string | undefined>(undefined);
  const flow = useRef<ReactFlowInstance<GraphNode, Edge> | null>(null);
  const [announce, setAnnounce] = useState('');
  const pendingFocus = useRef<string | undefined>(undefined);
  const large = layout.nodes.length > 300;
  // The pane's size, read before the graph is first drawn: a large graph then opens centred on the
  // traced object at once, instead of drawing the nodes at the origin and moving there after.
  const box = useRef<HTMLDivElement>(null);
  const [pane, setPane] = useState<{ width: number; height: number } | undefined>();
  useLayoutEffect(() => {
    const r = box.current?.getBoundingClientRect();
    setPane({ width: r?.width ?? 0, height: r?.height ?? 0 });
  }, []);

  const index = useMemo(() => {
    const byId = new Map(layout.nodes.map((n, i) => [n.id, { n, i }]));
    const ins = new Map<string, string[]>();
    const outs = new Map<string, string[]>();
    for (const e of layout.edges) {
      (ins.get(e.target) ?? ins.set(e.target, []).get(e.target))?.push(e.source);
      (outs.get(e.source) ?? outs.set(e.source, []).get(e.source))?.push(e.target);
    }
    const columns = new Map<number, LaidNode[]>();
    for (const n of layout.nodes) (columns.get(n.column) ?? columns.set(n.column, []).get(n.column))?.push(n);
    return { byId, ins, outs, columns };
  }, [layout]);

  const traceNodes = useMemo(() => new Map(trace.nodes.map((n) => [n.id, n])), [trace]);
  const events = useMemo(() => new Map(trace.edges.map((e) => [e.eventID, e])), [trace]);
  const current =
    focusId && index.byId.has(focusId) ? focusId : index.byId.has(trace.id) ? trace.id : layout.nodes[0]?.id;
  const path = useMemo(
    () => (selected && index.byId.has(selected) ? pathThrough(layout.edges, selected) : undefined),
    [selected, layout, index],
  );

  const describe = useMemo(
    () =>
      (n: LaidNode): { label: string; sub: string; name: string; prefix: string; flags: string[] } => {
        if (n.kind === 'event') {
          const e = events.get(n.ref);
          const type = e?.eventType ?? 'Event';
          const step = e?.bizStep ?? '';
          const sub = `${names.org(e?.org)} · ${e?.eventTime.slice(0, 16).replace('T', ' ') ?? ''}`;
          return {
            label: `${type.replace('Event', '')}${step ? ` · ${step}` : ''}`,
            prefix: type,
            sub,
            name: `${type}${step ? ` ${step}` : ''}, by ${names.org(e?.org)}, ${e?.eventTime ?? ''}, ${(index.ins.get(n.id) ?? []).length} in, ${(index.outs.get(n.id) ?? []).length} out`,
            flags: [],
          };
        }
        const t = traceNodes.get(n.ref);
        const flags = t?.flags ?? [];
        const status = t?.status ? STATUS_TEXT[t.status] : undefined;
        return {
          label: shortId(n.ref),
          prefix: n.ref,
          sub: [status, t?.custodian ? `held by ${names.org(t.custodian)}` : undefined]
            .filter(Boolean)
            .join(' · '),
          name: [
            n.ref,
            status,
            ...flags.map(flagText),
            t?.custodian ? `held by ${names.org(t.custodian)}` : undefined,
          ]
            .filter(Boolean)
            .join(', '),
          flags,
        };
      },
    [events, traceNodes, names, index],
  );

  const focusNode = (id: string) => {
    setFocusId(id);
    const hit = index.byId.get(id);
    if (!hit) return;
    flow.current?.setCenter(hit.n.x + 90, hit.n.y + 30, { zoom: flow.current.getZoom(), duration: 0 });
    setAnnounce(describe(hit.n).name);
    pendingFocus.current = `gn-${hit.i}`;
  };
  // Focus moves after React has committed the new roving tab stop (not in a frame callback,
  // which a headless or background tab may run late).
  useEffect(() => {
    const target = pendingFocus.current;
    if (!target) return;
    pendingFocus.current = undefined;
    // In a large graph the node appears once the viewport has moved to it.
    const tryFocus = (left: number) => {
      const el = document.getElementById(target);
      if (el) el.focus();
      else if (left > 0) setTimeout(() => tryFocus(left - 1), 30);
    };
    tryFocus(20);
  });

  // Arrow keys follow the graph: Left to inputs, Right to outputs, Up and Down within the column.
  const onKey = (id: string, key: string): boolean => {
    const hit = index.byId.get(id);
    if (!hit) return false;
    const sorted = (ids: string[]) =>
      ids
        .map((x) => index.byId.get(x)?.n)
        .filter((x): x is LaidNode => x !== undefined)
        .sort((a, b) => a.row - b.row);
    let next: LaidNode | undefined;
    if (key === 'ArrowLeft') next = sorted(index.ins.get(id) ?? [])[0];
    else if (key === 'ArrowRight') next = sorted(index.outs.get(id) ?? [])[0];
    else if (key === 'ArrowUp' || key === 'ArrowDown') {
      const col = index.columns.get(hit.n.column) ?? [];
      next = col[hit.n.row + (key === 'ArrowUp' ? -1 : 1)];
    } else if (key === '+' && (hidden.get(id) ?? 0) > 0) {
      setExpanded(new Set([...expanded, id]));
      return true;
    } else return false;
    if (next) focusNode(next.id);
    return true;
  };

  const open = (id: string) => {
    setFocusId(id);
    select(id.startsWith('event:') ? { kind: 'event', eventID: id.slice(6) } : { kind: 'object', id });
  };

  const nodes: GraphNode[] = useMemo(
    () =>
      layout.nodes
        .filter((n) => !pathOnly || !path || path.has(n.id))
        .map((n, i) => {
          const described = describe(n);
          const { width, height } = estimatedSize(n, described.flags.length);
          return {
            id: n.id,
            type: 'g',
            position: { x: n.x, y: n.y },
            initialWidth: width,
            initialHeight: height,
            handles: handlesOf(width, height),
            draggable: false,
            selectable: false,
            focusable: false,
            data: {
              laid: n,
              ...described,
              hidden: hidden.get(n.id) ?? 0,
              dim: path !== undefined && !path.has(n.id),
              domId: `gn-${index.byId.get(n.id)?.i ?? i}`,
            },
          };
        }),
    [layout, pathOnly, path, describe, hidden, index],
  );
  const edges: Edge[] = useMemo(
    () =>
      layout.edges
        .filter((e) => !pathOnly || !path || (path.has(e.source) && path.has(e.target)))
        .map((e) => {
          const on = path?.has(e.source) && path.has(e.target);
          return {
            id: e.id,
            source: e.source,
            target: e.target,
            focusable: false,
            selectable: false,
            className: path === undefined ? '' : on ? 'on-path' : 'dim',
            data: { eventID: e.eventID },
          };
        }),
    [layout, pathOnly, path],
  );
  const start = index.byId.get(current ?? '')?.n;
  const controls: GraphControls = {
    current,
    onKey,
    onOpen: open,
    onExpand: (id: string) => setExpanded(new Set([...expanded, id])),
  };

  return (
    <section aria-label="Lineage" className="lineage">
      <h2 className="sr-only">Lineage</h2>
      <div className="lineage-controls">
        <label>
          Depth{' '}
          <input
            type="number"
            min={1}
            max={maxDepth}
            value={Math.min(depth, maxDepth)}
            onChange={(e) => setDepth(Math.max(1, Number(e.target.value) || 1))}
          />
        </label>
        <span className="muted">
          of {maxDepth}; showing {layout.nodes.filter((n) => n.kind === 'object').length} of{' '}
          {trace.nodes.length} objects
        </span>
        <button type="button" className="small" onClick={() => setDepth(maxDepth)}>
          Show all levels
        </button>
        <label>
          <input
            type="checkbox"
            checked={pathOnly}
            onChange={(e) => setPathOnly(e.target.checked)}
            disabled={!path}
          />{' '}
          Selected path only
        </label>
        <span className="legend muted">
          Flags are marked ⚑ with their name and a dashed border. Keys: Tab to the graph, arrows follow links,
          Enter opens, + expands, Esc closes.
        </span>
      </div>
      <div className="flow" data-nodes={layout.nodes.length} ref={box}>
        {pane && (
          <GraphControlsContext.Provider value={controls}>
            <ReactFlow
              nodes={nodes}
              edges={edges}
              nodeTypes={nodeTypes}
              onInit={(i) => {
                flow.current = i;
              }}
              // A large graph opens at full size on the traced object, not shrunk to fit: only what is
              // on screen is rendered (onlyRenderVisibleElements), so it is interactive at once.
              defaultViewport={
                large && start && pane
                  ? { x: pane.width / 2 - start.x - 90, y: pane.height / 2 - start.y - 30, zoom: 1 }
                  : undefined
              }
              // Without a node click handler React Flow gives nodes no pointer events.
              onNodeClick={() => undefined}
              onlyRenderVisibleElements={large}
              onEdgeClick={(_e, edge) =>
                select({ kind: 'event', eventID: (edge.data as { eventID: string }).eventID })
              }
              nodesDraggable={false}
              nodesConnectable={false}
              nodesFocusable={false}
              edgesFocusable={false}
              elementsSelectable={false}
              fitView={!large}
              minZoom={0.05}
              proOptions={{ hideAttribution: true }}
              ariaLabelConfig={{
                'node.a11yDescription.default':
                  'Lineage graph. Tab reaches one node; arrow keys move along links.',
              }}
            >
              <Background />
              <Controls showInteractive={false} />
              <MiniMap pannable zoomable ariaLabel="Overview of the lineage graph" />
            </ReactFlow>
          </GraphControlsContext.Provider>
        )}
      </div>
      <p className="sr-only" aria-live="polite">
        {announce}
      </p>
    </section>
  );
}
