"use client";

import type { FlowGraph } from "@sous/contracts";
import { useNodesState } from "@xyflow/react";
import { type Dispatch, type RefObject, type SetStateAction, useEffect, useRef, useState } from "react";
import { toCanvasNodes } from "./canvas-nodes.ts";
import type { FlowNodeT } from "./flow-nodes.tsx";
import type { SavedPosition } from "./use-save-layout.ts";

/**
 * The canvas's nodes (positions as the user drags them), plus a ref that always holds the latest
 * ones: callbacks read it instead of depending on `nodes`, which changes on every drag frame.
 */
export function useCanvasNodes(initialGraph: FlowGraph) {
  // Computed once (not on every render, where useNodesState would ignore it anyway).
  const [initialNodes] = useState(() => toCanvasNodes(initialGraph, [], null, new Set()).nodes);
  const [nodes, setNodes, onNodesChange] = useNodesState<FlowNodeT>(initialNodes);
  const nodesRef = useRef(nodes);
  nodesRef.current = nodes;
  return { nodes, setNodes, onNodesChange, nodesRef };
}

/**
 * Server graph -> canvas. Nodes placed automatically get their position saved, so the Flow looks
 * the same on the next visit and for colleagues.
 */
export function useGraphToCanvas({
  graph,
  runningRecipes,
  nodesRef,
  selectedRef,
  setNodes,
  saveLayout,
}: {
  graph: FlowGraph;
  runningRecipes: ReadonlySet<string>;
  nodesRef: RefObject<FlowNodeT[]>;
  selectedRef: RefObject<string | null>;
  setNodes: Dispatch<SetStateAction<FlowNodeT[]>>;
  saveLayout: (positions: SavedPosition[]) => Promise<void>;
}) {
  const savedIds = useRef(new Set<string>());
  const mounted = useRef(false);
  useEffect(() => {
    const { nodes: next } = toCanvasNodes(graph, nodesRef.current, selectedRef.current, runningRecipes);
    // On mount the canvas already holds these nodes (useNodesState's initial value): setting an
    // equal copy would re-render all of them (new data objects defeat the nodes' memo) right
    // during the first paint: a ~70-90 ms long task with 500 nodes (bench/canvas.ts).
    if (mounted.current || runningRecipes.size > 0) setNodes(next);
    mounted.current = true;
    for (const n of graph.nodes) if (n.position) savedIds.current.add(n.id);
    const unsaved = next.filter((n) => !savedIds.current.has(n.id));
    for (const n of unsaved) savedIds.current.add(n.id);
    void saveLayout(unsaved.map((n) => ({ nodeId: n.id, x: n.position.x, y: n.position.y })));
  }, [graph, runningRecipes, setNodes, saveLayout, nodesRef, selectedRef]);
}
