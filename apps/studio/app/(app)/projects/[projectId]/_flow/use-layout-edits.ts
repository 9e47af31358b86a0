"use client";

import type { FlowGraph } from "@sous/contracts";
import { useReactFlow } from "@xyflow/react";
import { type Dispatch, type RefObject, type SetStateAction, useCallback } from "react";
import { FIT_VIEW_OPTIONS } from "./canvas-options.ts";
import type { FlowNodeT } from "./flow-nodes.tsx";
import { type Pt, placeNodes } from "./layout.ts";
import type { SavedPosition } from "./use-save-layout.ts";

/**
 * What changes the layout: Arrange (the whole Flow, left to right) and dragging nodes. Each one
 * records the positions it replaces for undo, and saves the new ones.
 */
export function useLayoutEdits({
  graph,
  nodesRef,
  setNodes,
  saveLayout,
  pushUndo,
  setUndoBar,
}: {
  graph: FlowGraph;
  nodesRef: RefObject<FlowNodeT[]>;
  setNodes: Dispatch<SetStateAction<FlowNodeT[]>>;
  saveLayout: (positions: SavedPosition[]) => Promise<void>;
  pushUndo: (action: "arrange" | "move", positions: Map<string, Pt>) => void;
  setUndoBar: (shown: boolean) => void;
}) {
  const { fitView } = useReactFlow();

  const onNodeDragStart = useCallback(
    (_: unknown, _node: FlowNodeT, dragged: FlowNodeT[]) => {
      pushUndo("move", new Map(dragged.map((n) => [n.id, { x: n.position.x, y: n.position.y }])));
      setUndoBar(false);
    },
    [pushUndo, setUndoBar],
  );

  const onNodeDragStop = useCallback(
    (_: unknown, _node: FlowNodeT, dragged: FlowNodeT[]) => {
      void saveLayout(
        dragged.map((n) => ({ nodeId: n.id, x: Math.round(n.position.x), y: Math.round(n.position.y) })),
      );
    },
    [saveLayout],
  );

  async function arrange() {
    pushUndo("arrange", new Map(nodesRef.current.map((n) => [n.id, { x: n.position.x, y: n.position.y }])));
    setUndoBar(true);
    const pos = placeNodes(graph.nodes, graph.edges, new Map());
    setNodes((ns) => ns.map((n) => ({ ...n, position: pos.get(n.id) ?? n.position })));
    window.setTimeout(() => void fitView({ ...FIT_VIEW_OPTIONS, duration: 300 }), 50);
    await saveLayout([...pos].map(([nodeId, p]) => ({ nodeId, x: p.x, y: p.y })));
  }

  return { arrange, onNodeDragStart, onNodeDragStop };
}
