"use client";

import { useEffect, useState } from "react";

/**
 * False until the browser is idle after the first paint (at most 1.5 s), then true: for parts
 * that are costly to draw and not needed at once, like the minimap, which draws every node.
 */
export function useAfterIdle(): boolean {
  const [idle, setIdle] = useState(false);
  useEffect(() => {
    if (typeof window.requestIdleCallback === "function") {
      const id = window.requestIdleCallback(() => setIdle(true), { timeout: 1500 });
      return () => window.cancelIdleCallback(id);
    }
    const t = window.setTimeout(() => setIdle(true), 300);
    return () => window.clearTimeout(t);
  }, []);
  return idle;
}
