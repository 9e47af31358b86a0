"use client";

import type { NodeMouseHandler } from "@xyflow/react";
import { type RefObject, useCallback, useEffect, useState } from "react";
import type { FlowNodeT } from "./flow-nodes.tsx";

export type NodeMenuAt = { id: string; x: number; y: number };

/**
 * Right-click on a node: a small menu (open, rename, delete) where the pointer is, positioned
 * relative to the canvas. It closes on Escape, a click outside it, or a pan of the canvas.
 */
export function useNodeMenu(
  canvasRef: RefObject<HTMLDivElement | null>,
  select: (id: string | null) => void,
) {
  const [menu, setMenu] = useState<NodeMenuAt | null>(null);
  const closeMenu = useCallback(() => setMenu(null), []);

  const onNodeContextMenu = useCallback<NodeMouseHandler<FlowNodeT>>(
    (e, node) => {
      e.preventDefault();
      const r = canvasRef.current?.getBoundingClientRect();
      select(node.id);
      setMenu({ id: node.id, x: e.clientX - (r?.left ?? 0), y: e.clientY - (r?.top ?? 0) });
    },
    [canvasRef, select],
  );

  useEffect(() => {
    if (!menu) return;
    const close = (e: Event) => {
      if (e instanceof KeyboardEvent && e.key !== "Escape") return;
      if (e.target instanceof Element && e.target.closest(".flow-context-menu")) return;
      setMenu(null);
    };
    document.addEventListener("mousedown", close);
    document.addEventListener("keydown", close);
    return () => {
      document.removeEventListener("mousedown", close);
      document.removeEventListener("keydown", close);
    };
  }, [menu]);

  return { menu, closeMenu, onNodeContextMenu };
}
