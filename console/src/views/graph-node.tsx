import { Handle, type Node, type NodeProps, Position } from '@xyflow/react';
import { createContext, memo, useContext } from 'react';
import { flagText } from '../common.js';
import type { LaidNode } from '../layout.js';

// One node of the lineage graph (lineage.tsx) as React Flow draws it.

export type NodeData = {
  laid: LaidNode;
  label: string;
  sub: string;
  name: string;
  prefix: string;
  flags: string[];
  hidden: number;
  dim: boolean;
  domId: string;
};
export type GraphNode = Node<NodeData>;

/**
 * What changes as the auditor moves: the roving tab stop and the handlers. Kept out of the nodes'
 * data, so moving the focus re-renders the few nodes on screen instead of handing React Flow a new
 * array of every node (which it would adopt and measure again).
 */
export interface GraphControls {
  current: string | undefined;
  onKey: (id: string, key: string) => boolean;
  onOpen: (id: string) => void;
  onExpand: (id: string) => void;
}
export const GraphControlsContext = createContext<GraphControls>({
  current: undefined,
  onKey: () => false,
  onOpen: () => {},
  onExpand: () => {},
});

// Sizes of a node before the browser measures it (styles.css .gnode-button), and where React
// Flow's 6 px handles sit: with them every node has dimensions and handle bounds from the start, so
// onlyRenderVisibleElements renders only what is on screen instead of every node once to measure it.
const HANDLE = 6;
export function estimatedSize(n: LaidNode, flags: number): { width: number; height: number } {
  return n.kind === 'event' ? { width: 150, height: 52 } : { width: 180, height: 66 + 19 * flags };
}
export function handlesOf(width: number, height: number): Node['handles'] {
  const y = height / 2 - HANDLE / 2;
  return [
    { type: 'target', position: Position.Left, x: -HANDLE / 2, y, width: HANDLE, height: HANDLE },
    { type: 'source', position: Position.Right, x: width - HANDLE / 2, y, width: HANDLE, height: HANDLE },
  ];
}

const GraphNodeView = memo(function GraphNodeView({ id, data }: NodeProps<GraphNode>) {
  const controls = useContext(GraphControlsContext);
  const flagged = data.flags.length > 0;
  return (
    <div
      className={`gnode gnode-${data.laid.kind}${flagged ? ' flagged' : ''}${data.dim ? ' dim' : ''}`}
      data-flags={data.flags.join(' ')}
    >
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <button
        type="button"
        id={data.domId}
        className="gnode-button"
        tabIndex={controls.current === id ? 0 : -1}
        onClick={() => controls.onOpen(id)}
        onKeyDown={(e) => {
          if (controls.onKey(id, e.key)) e.preventDefault();
        }}
      >
        {/* The accessible name is the content: the full identifier (or event type) first, then what is seen. */}
        <span className="sr-only">{data.prefix} </span>
        <span className="gnode-label">{data.label}</span>
        <span className="gnode-sub">{data.sub}</span>
        {flagged && (
          <span className="gnode-flags">
            {data.flags.map((f) => (
              <span key={f}>⚑ {flagText(f)}</span>
            ))}
          </span>
        )}
      </button>
      {data.hidden > 0 && (
        <button
          type="button"
          className="gnode-expand small"
          tabIndex={-1}
          aria-label={`Expand ${data.hidden} hidden neighbours of ${data.label}`}
          onClick={() => controls.onExpand(id)}
        >
          +{data.hidden}
        </button>
      )}
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
});

export const nodeTypes = { g: GraphNodeView };
