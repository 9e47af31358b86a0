"use client";

import { useReactFlow } from "@xyflow/react";
import { useEffect, useRef } from "react";
import { FIT_VIEW_OPTIONS } from "./canvas-options.ts";

/** New nodes may land outside the viewport: bring everything into view when the count changes. */
export function useFitNewNodes(count: number) {
  const { fitView } = useReactFlow();
  const firstCount = useRef(count);
  useEffect(() => {
    if (count === firstCount.current) return;
    firstCount.current = count;
    const t = window.setTimeout(() => void fitView({ ...FIT_VIEW_OPTIONS, duration: 300 }), 50);
    return () => window.clearTimeout(t);
  }, [count, fitView]);
}
