"use client";

import type { PrepareStep } from "@sous/contracts";
import { type ReactNode, useMemo } from "react";
import type { RecipePreview } from "@/shared/api/recipe-preview-schemas.ts";

type Highlight = Map<string, { kind: "added" | "changed"; note: string }>;

/** The prepare draft cut after step `asOf` (the table "as of" that step), or null for the whole script. */
export function prepareSpecAsOf(params: Record<string, unknown>, asOf: string | null) {
  if (!asOf) return null;
  const steps = (params.steps ?? []) as PrepareStep[];
  const i = steps.findIndex((s) => s.id === asOf);
  if (i < 0 || i === steps.length - 1) return null;
  return { kind: "prepare", version: 1, params: { ...params, steps: steps.slice(0, i + 1) } };
}

/**
 * What the preview table marks: the columns the selected step added or changed, or (no step
 * selected) those of every step, each with the step's name for the header's tooltip.
 */
export function usePrepareHighlight(
  params: Record<string, unknown>,
  asOf: string | null,
  preview: RecipePreview | null,
  setAsOf: (id: string | null) => void,
): { highlight: Highlight; note: ReactNode } {
  return useMemo(() => {
    const steps = (params.steps ?? []) as PrepareStep[];
    const schemas = new Map((preview?.stepSchemas ?? []).map((s) => [s.id, s]));
    const h: Highlight = new Map();
    const label = (s: PrepareStep, i: number) => `#${i + 1} ${s.name ?? s.type}`;
    const mark = (s: PrepareStep, i: number) => {
      const ss = schemas.get(s.id);
      if (!ss || s.disabled) return;
      for (const c of ss.changed) h.set(c, { kind: "changed", note: `Changed by step ${label(s, i)}` });
      for (const c of ss.added) h.set(c, { kind: "added", note: `Added by step ${label(s, i)}` });
    };
    const at = asOf ? steps.findIndex((s) => s.id === asOf) : -1;
    if (at >= 0) mark(steps[at]!, at);
    else steps.forEach(mark);
    let note: ReactNode = null;
    if (at >= 0) {
      const s = steps[at]!;
      note = (
        <span data-testid="preview-as-of">
          Showing the data <strong>as of step {at + 1}</strong> ({s.name ?? s.type}
          {s.disabled ? ", disabled" : ""}): its new columns in green, changed ones in amber.{" "}
          <button type="button" className="link-btn" onClick={() => setAsOf(null)}>
            Show after every step
          </button>
        </span>
      );
    } else if (h.size) {
      note = (
        <span className="muted" data-testid="preview-after-all">
          {steps.length === 1 ? "After the step." : `After all ${steps.length} steps.`} Columns added by a
          step are green, changed ones amber; click a step to see the data as of it.
        </span>
      );
    }
    return { highlight: h, note };
  }, [params, asOf, preview, setAsOf]);
}
