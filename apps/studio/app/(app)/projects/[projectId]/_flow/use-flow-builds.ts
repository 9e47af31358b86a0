"use client";

import { useEffect, useMemo } from "react";
import { apiCall } from "@/ui/api.ts";
import { isActive, useRuns } from "./use-runs.ts";

/**
 * Build progress on the Flow: the runs started here, plus builds that were already going when the
 * page opened (another tab, a script), and the set of recipes running now for the canvas.
 */
export function useFlowBuilds(projectId: string, refresh: () => Promise<unknown>) {
  const { runs, run, follow } = useRuns(projectId, refresh);

  // Builds started before this page opened (another tab, a script) show their progress too.
  useEffect(() => {
    let live = true;
    apiCall("GET /projects/{projectId}/jobs", { params: { projectId } })
      .then((jobs) => {
        if (!live) return;
        for (const job of jobs) {
          if (job.state !== "QUEUED" && job.state !== "RUNNING") continue;
          const recipeId = job.activities[0]?.recipeId;
          if (recipeId) void follow(recipeId, job);
        }
      })
      .catch(() => {
        // Only a convenience: the Flow still shows outputs as building.
      });
    return () => {
      live = false;
    };
  }, [projectId, follow]);

  // Keyed by content: polling replaces `runs` every tick, but the canvas only cares when the
  // set of running recipes changes.
  const runningKey = Object.entries(runs)
    .filter(([, r]) => isActive(r))
    .map(([id]) => id)
    .sort()
    .join(",");
  const runningRecipes = useMemo(() => new Set(runningKey ? runningKey.split(",") : []), [runningKey]);

  return { runs, run, runningRecipes };
}
