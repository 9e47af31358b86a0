"use client";

import { type RefObject, useEffect } from "react";

export type NodeIntent = { id: string; mode: "rename" | "delete"; n: number };

/**
 * Keyboard: Ctrl/⌘+Z undoes the last layout change; F2 renames and Delete deletes the selected
 * node (both ask first, in the side panel). Not while typing in a field, where the keys edit text.
 */
export function useFlowShortcuts({
  canEdit,
  selectedRef,
  canUndo,
  undo,
  onIntent,
}: {
  canEdit: boolean;
  selectedRef: RefObject<string | null>;
  canUndo: () => boolean;
  undo: () => Promise<void>;
  onIntent: (intent: NodeIntent) => void;
}) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
      if ((e.ctrlKey || e.metaKey) && !e.shiftKey && !e.altKey && e.key.toLowerCase() === "z") {
        if (!canUndo()) return;
        e.preventDefault();
        void undo();
        return;
      }
      const id = selectedRef.current;
      if (!canEdit || !id || e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === "F2" || e.key === "Delete") {
        e.preventDefault();
        onIntent({ id, mode: e.key === "F2" ? "rename" : "delete", n: Date.now() });
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [canEdit, undo, canUndo, selectedRef, onIntent]);
}
