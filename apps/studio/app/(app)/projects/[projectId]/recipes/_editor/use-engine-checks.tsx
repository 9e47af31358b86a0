"use client";

import { useCallback, useMemo } from "react";
import { type Engine, EngineBadge, worstVerdict } from "@/ui/engine-badge.tsx";
import type { PreviewState } from "./use-preview.ts";

/**
 * Where the draft can run, from the last preview: per compiled step (the badges a form shows next
 * to a step) and for the whole recipe (the header's badges, the worst of its steps, or what blocks
 * an engine outright).
 */
export function useEngineChecks(preview: PreviewState["data"], isPrepare: boolean) {
  const steps = preview?.steps ?? [];
  const stepMap = useMemo(() => new Map(steps.map((s) => [s.id, s])), [steps]);
  const step = useCallback(
    (id: string) => {
      const s = stepMap.get(id);
      if (!s) return null;
      return (
        <span className="step-engines" data-testid={`step-engines-${id}`}>
          <EngineBadge engine="duckdb" verdict={s.engines.duckdb} compact testId={`step-${id}-duckdb`} />
          <EngineBadge engine="spark" verdict={s.engines.spark} compact testId={`step-${id}-spark`} />
        </span>
      );
    },
    [stepMap],
  );
  const recipeVerdict = (e: Engine) => {
    const b = preview?.engines[e].blocking;
    // A prepare step's reason already names it ("Step 'Parse user agent' (#4) has no SparkSQL form...").
    if (b) return { level: "none" as const, reason: isPrepare ? b.reason : `${b.stepId}: ${b.reason}` };
    return worstVerdict(steps.map((s) => s.engines[e]));
  };
  return { step, recipeVerdict };
}
