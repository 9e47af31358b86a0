"use client";

import type { OnSelectionChangeFunc } from "@xyflow/react";
import { type Dispatch, type SetStateAction, useCallback, useRef, useState } from "react";
import type { FlowNodeT } from "./flow-nodes.tsx";

/**
 * Which node the side panel shows. One node selected opens its panel; several (Ctrl/⌘ + click,
 * Shift + drag) only count, for the "n nodes selected" bar. `selectedRef` lets effects and
 * keyboard handlers read the selection without re-subscribing on every click.
 */
export function useFlowSelection(setNodes: Dispatch<SetStateAction<FlowNodeT[]>>) {
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const selectedRef = useRef(selectedId);
  selectedRef.current = selectedId;
  const [selectionCount, setSelectionCount] = useState(0);

  const select = useCallback(
    (id: string | null) => {
      setSelectedId(id);
      setNodes((ns) => ns.map((n) => (n.selected === (n.id === id) ? n : { ...n, selected: n.id === id })));
    },
    [setNodes],
  );

  const onSelectionChange = useCallback<OnSelectionChangeFunc<FlowNodeT>>(({ nodes: sel }) => {
    setSelectionCount(sel.length);
    const id = sel.length === 1 ? (sel[0]?.id ?? null) : null;
    if (id !== selectedRef.current) {
      selectedRef.current = id;
      setSelectedId(id);
    }
  }, []);

  return { selectedId, selectedRef, select, selectionCount, onSelectionChange };
}
