"use client";

import { useEffect } from "react";

/**
 * Ctrl/⌘+S saves (by clicking the Save button, so a disabled one does nothing); Ctrl/⌘+Z undoes
 * and Ctrl/⌘+Shift+Z or Ctrl/⌘+Y redoes the draft, except in text fields, which have their own undo.
 */
export function useEditorShortcuts(undo: () => void, redo: () => void) {
  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      if (!(e.ctrlKey || e.metaKey)) return;
      const k = e.key.toLowerCase();
      const t = e.target as HTMLElement | null;
      // Text fields (and the formula editor, contenteditable) have their own undo.
      const typing =
        (t?.tagName === "INPUT" && (t as HTMLInputElement).type !== "checkbox") ||
        t?.tagName === "TEXTAREA" ||
        t?.isContentEditable === true;
      if (k === "s") {
        e.preventDefault();
        document.querySelector<HTMLButtonElement>("[data-testid=save-recipe]")?.click();
      } else if (!typing && k === "z" && !e.shiftKey) {
        e.preventDefault();
        undo();
      } else if (!typing && (k === "y" || (k === "z" && e.shiftKey))) {
        e.preventDefault();
        redo();
      }
    }
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [undo, redo]);
}
