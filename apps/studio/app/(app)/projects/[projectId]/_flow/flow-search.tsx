"use client";

import type { FlowNode } from "@sous/contracts";
import { useMemo, useState } from "react";
import { Input } from "@/ui/field.tsx";
import { TableIcon } from "@/ui/icons.tsx";
import { RecipeIcon } from "@/ui/recipe-icons.tsx";
import { recipeKindLabel } from "@/ui/recipe-kinds.ts";

const MAX_RESULTS = 8;

/** Find a dataset or recipe by name; Enter or a click selects it and brings it into view. */
export function FlowSearch({ nodes, onPick }: { nodes: FlowNode[]; onPick: (id: string) => void }) {
  const [q, setQ] = useState("");
  const [active, setActive] = useState(0);
  const [open, setOpen] = useState(false);
  const results = useMemo(() => {
    const needle = q.trim().toLowerCase();
    if (!needle) return [];
    return nodes
      .filter((n) => n.name.toLowerCase().includes(needle))
      .sort(
        (a, b) =>
          Number(!a.name.toLowerCase().startsWith(needle)) - Number(!b.name.toLowerCase().startsWith(needle)),
      )
      .slice(0, MAX_RESULTS);
  }, [q, nodes]);

  function pick(id: string) {
    onPick(id);
    setOpen(false);
    setQ("");
  }

  return (
    <div className="flow-search">
      <svg
        className="flow-search-icon"
        width="16"
        height="16"
        viewBox="0 0 24 24"
        fill="none"
        stroke="currentColor"
        strokeWidth="2"
        aria-hidden="true"
      >
        <circle cx="11" cy="11" r="6.5" />
        <path d="m16 16 4.5 4.5" />
      </svg>
      <Input
        type="search"
        aria-label="Find a dataset or recipe by name"
        placeholder="Find in Flow…"
        data-testid="flow-search"
        value={q}
        onChange={(e) => {
          setQ(e.target.value);
          setActive(0);
          setOpen(true);
        }}
        onBlur={() => window.setTimeout(() => setOpen(false), 150)}
        onFocus={() => setOpen(true)}
        onKeyDown={(e) => {
          if (e.key === "ArrowDown") {
            e.preventDefault();
            setActive((a) => Math.min(a + 1, results.length - 1));
          } else if (e.key === "ArrowUp") {
            e.preventDefault();
            setActive((a) => Math.max(a - 1, 0));
          } else if (e.key === "Enter") {
            const r = results[active];
            if (r) pick(r.id);
          } else if (e.key === "Escape") {
            setQ("");
            setOpen(false);
          }
        }}
      />
      {open && q.trim() ? (
        <ul className="flow-search-results" data-testid="flow-search-results">
          {results.length === 0 ? (
            <li className="muted small flow-search-empty">Nothing named like “{q.trim()}”</li>
          ) : (
            results.map((n, i) => (
              <li key={n.id}>
                <button
                  type="button"
                  data-active={i === active}
                  data-testid={`flow-search-result-${n.name}`}
                  title={n.name}
                  onMouseDown={(e) => e.preventDefault()}
                  onClick={() => pick(n.id)}
                >
                  {n.type === "dataset" ? (
                    <TableIcon size={14} />
                  ) : (
                    <RecipeIcon kind={n.type === "recipe" ? n.kind : "score"} size={14} />
                  )}
                  <span className="flow-search-name">{n.name}</span>
                  <span className="node-kind-label">
                    {n.type === "dataset"
                      ? "dataset"
                      : n.type === "recipe"
                        ? recipeKindLabel(n.kind)
                        : "saved model"}
                  </span>
                </button>
              </li>
            ))
          )}
        </ul>
      ) : null}
    </div>
  );
}
