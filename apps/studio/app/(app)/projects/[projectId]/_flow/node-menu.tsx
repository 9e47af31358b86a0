"use client";

import type { FlowNode } from "@sous/contracts";
import { useEffect, useRef } from "react";

/** The right-click menu of a node. */
export function NodeMenu({
  x,
  y,
  node,
  canEdit,
  onOpen,
  onIntent,
}: {
  x: number;
  y: number;
  node: FlowNode | undefined;
  canEdit: boolean;
  onOpen: (n: FlowNode) => void;
  onIntent: (id: string, mode: "rename" | "delete") => void;
}) {
  const list = useRef<HTMLDivElement>(null);
  // The first item takes the focus, so the arrow keys, Enter and Escape work at once.
  useEffect(() => {
    list.current?.querySelector<HTMLButtonElement>("button")?.focus();
  }, []);
  if (!node) return null;
  const kind = node.type === "dataset" ? "dataset" : node.type === "recipe" ? "recipe" : "saved model";
  const items: { key: string; label: string; danger?: boolean; run: () => void }[] = [
    { key: "open", label: node.type === "recipe" && canEdit ? "Edit" : "Open", run: () => onOpen(node) },
    // Saved models are renamed and deleted in the Lab.
    ...(canEdit && node.type !== "savedModel"
      ? [
          { key: "rename", label: "Rename…", run: () => onIntent(node.id, "rename") },
          { key: "delete", label: "Delete…", danger: true, run: () => onIntent(node.id, "delete") },
        ]
      : []),
  ];
  return (
    <div
      ref={list}
      className="menu flow-context-menu"
      role="menu"
      aria-label={`${kind} ${node.name}`}
      style={{ left: x, top: y }}
      data-testid="node-menu"
      onKeyDown={(e) => {
        if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
        e.preventDefault();
        const buttons = Array.from(list.current?.querySelectorAll("button") ?? []);
        const i = buttons.indexOf(document.activeElement as HTMLButtonElement);
        buttons[(i + (e.key === "ArrowDown" ? 1 : -1) + buttons.length) % buttons.length]?.focus();
      }}
    >
      <div className="menu-header">{node.name}</div>
      {items.map((it) => (
        <button
          key={it.key}
          type="button"
          role="menuitem"
          className={it.danger ? "menu-item menu-item-danger" : "menu-item"}
          data-testid={`node-menu-${it.key}`}
          onClick={it.run}
        >
          <span className="menu-label">{it.label}</span>
        </button>
      ))}
    </div>
  );
}
