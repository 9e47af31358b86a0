"use client";

import {
  type Dispatch,
  type RefObject,
  type SetStateAction,
  useCallback,
  useEffect,
  useRef,
  useState,
} from "react";
import { useToast } from "@/ui/toast.tsx";
import type { FlowNodeT } from "./flow-nodes.tsx";
import type { Pt } from "./layout.ts";
import type { SavedPosition } from "./use-save-layout.ts";

type LayoutAction = "arrange" | "move";

/**
 * Layout undo: Arrange and drags push the positions they replace; Ctrl/⌘+Z (or the bar's Undo
 * after Arrange) puts them back and saves them. The bar offers Undo for a while after Arrange,
 * which moves every node at once and so is the change most worth taking back.
 */
export function useLayoutUndo({
  nodesRef,
  setNodes,
  saveLayout,
}: {
  nodesRef: RefObject<FlowNodeT[]>;
  setNodes: Dispatch<SetStateAction<FlowNodeT[]>>;
  saveLayout: (positions: SavedPosition[]) => Promise<void>;
}) {
  const toast = useToast();
  const history = useRef<{ action: LayoutAction; positions: Map<string, Pt> }[]>([]);
  const [undoBar, setUndoBar] = useState(false);

  const push = useCallback((action: LayoutAction, positions: Map<string, Pt>) => {
    history.current.push({ action, positions });
    if (history.current.length > 20) history.current.shift();
  }, []);

  const canUndo = useCallback(() => history.current.length > 0, []);

  const undo = useCallback(async () => {
    const last = history.current.pop();
    setUndoBar(false);
    if (!last) return;
    // Nodes deleted since are left out.
    const live = new Set(nodesRef.current.map((n) => n.id));
    for (const id of last.positions.keys()) if (!live.has(id)) last.positions.delete(id);
    setNodes((ns) =>
      ns.map((n) => {
        const p = last.positions.get(n.id);
        return p ? { ...n, position: p } : n;
      }),
    );
    toast(last.action === "arrange" ? "Restored the layout from before Arrange." : "Moved back.", "success");
    await saveLayout([...last.positions].map(([nodeId, p]) => ({ nodeId, x: p.x, y: p.y })));
  }, [nodesRef, saveLayout, setNodes, toast]);

  useEffect(() => {
    if (!undoBar) return;
    const t = window.setTimeout(() => setUndoBar(false), 12_000);
    return () => window.clearTimeout(t);
  }, [undoBar]);

  return { push, canUndo, undo, undoBar, setUndoBar };
}
