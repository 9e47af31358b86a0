"use client";

import { useCallback, useRef, useState } from "react";

interface History<T> {
  past: T[];
  present: T;
  future: T[];
}

const LIMIT = 200;
/** Edits of the same field closer than this make one undo step (typing a name is one change). */
const COALESCE_MS = 800;

/**
 * State with undo and redo. `set(next, key)` records a step; consecutive sets with the same `key`
 * within a short delay are merged, so undo reverts a typed word, not a letter.
 */
export function useUndoable<T>(initial: T) {
  const [h, setH] = useState<History<T>>({ past: [], present: initial, future: [] });
  const last = useRef<{ key: string; at: number } | null>(null);

  const set = useCallback((next: T | ((prev: T) => T), key?: string) => {
    const now = Date.now();
    const merge = key !== undefined && last.current?.key === key && now - last.current.at < COALESCE_MS;
    last.current = key === undefined ? null : { key, at: now };
    setH((cur) => {
      const value = typeof next === "function" ? (next as (p: T) => T)(cur.present) : next;
      if (Object.is(value, cur.present)) return cur;
      return {
        past: merge ? cur.past : [...cur.past, cur.present].slice(-LIMIT),
        present: value,
        future: [],
      };
    });
  }, []);

  const undo = useCallback(() => {
    last.current = null;
    setH((cur) => {
      const prev = cur.past.at(-1);
      if (prev === undefined) return cur;
      return { past: cur.past.slice(0, -1), present: prev, future: [cur.present, ...cur.future] };
    });
  }, []);

  const redo = useCallback(() => {
    last.current = null;
    setH((cur) => {
      const [next, ...rest] = cur.future;
      if (next === undefined) return cur;
      return { past: [...cur.past, cur.present], present: next, future: rest };
    });
  }, []);

  /** Replaces the state without history (e.g. the server's copy after a reload). */
  const reset = useCallback((value: T) => {
    last.current = null;
    setH({ past: [], present: value, future: [] });
  }, []);

  return {
    value: h.present,
    set,
    undo,
    redo,
    reset,
    canUndo: h.past.length > 0,
    canRedo: h.future.length > 0,
  };
}
