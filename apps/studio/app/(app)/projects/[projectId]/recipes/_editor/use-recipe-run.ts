"use client";

import type { BuildMode, DatasetInfo, Job, Recipe } from "@sous/contracts";
import { useEffect, useMemo, useRef, useState } from "react";
import { apiCall, errorMessage } from "@/ui/api.ts";
import { isActive, type RunState, useRuns } from "../../_flow/use-runs.ts";
import { ACTIVE_JOB_POLL_MS, findOutputJob } from "./active-job.ts";

/**
 * Running the recipe from the editor (saving first when there are changes) and following the
 * build in the run panel, including a build of its outputs that this page did not start.
 */
export function useRecipeRun({
  projectId,
  recipe,
  dirty,
  save,
  datasets,
  outputs,
  refreshOutputs,
}: {
  projectId: string;
  recipe: Recipe | null;
  dirty: boolean;
  save: (overwriteRevision?: number, opts?: { thenRun?: boolean }) => Promise<Recipe | null>;
  datasets: DatasetInfo[];
  outputs: DatasetInfo[];
  refreshOutputs: () => Promise<void>;
}) {
  const { runs, follow } = useRuns(projectId, refreshOutputs);
  const [mode, setMode] = useState<BuildMode>("build-only-this");
  // Before the job exists (starting, or the request failed); then the followed job's state.
  const [startState, setStartState] = useState<RunState | null>(null);
  const [panelOpen, setPanelOpen] = useState(false);
  // Jobs already shown (or started here), so a closed panel stays closed; a little before the
  // page opened, so a build started from the Flow just before counts.
  const seenJobs = useRef(new Set<string>());
  const [openedAt] = useState(() => new Date(Date.now() - 5000).toISOString());
  const runState = startState ?? (recipe ? runs[recipe.id] : undefined);
  // Dataset names for the run panel's log, with outputs created since the page loaded.
  const names = useMemo(() => {
    const m = new Map(datasets.map((d) => [d.id, d.name]));
    for (const d of outputs) m.set(d.id, d.name);
    return m;
  }, [datasets, outputs]);

  async function runRecipe() {
    const r = dirty ? await save(undefined, { thenRun: true }) : recipe;
    if (!r || !recipe) return;
    setPanelOpen(true);
    setStartState({ phase: "starting" });
    let job: Job;
    try {
      const started = await apiCall("POST /projects/{projectId}/jobs", {
        params: { projectId },
        body: { targets: r.outputs, mode },
      });
      // Not a dry run, so the answer is the job (a dry run answers its plan).
      if ("dryRun" in started) throw new Error("The server planned the build instead of starting it.");
      job = started;
    } catch (e) {
      setStartState({ phase: "error", message: errorMessage(e) });
      return;
    }
    seenJobs.current.add(job.id);
    setStartState(null);
    void refreshOutputs();
    await follow(r.id, job);
  }

  // A job writing the outputs that this page did not start (from the Flow, another tab, or
  // before a reload) is shown too, and followed to its end.
  const recipeId = recipe?.id;
  const outputKey = recipe?.outputs.join(",") ?? "";
  const following = isActive(runState);
  useEffect(() => {
    if (!recipeId || !outputKey || following) return;
    let live = true;
    const look = async () => {
      const job = await findOutputJob(projectId, outputKey.split(","), openedAt, seenJobs.current);
      if (!live || !job || seenJobs.current.has(job.id)) return;
      seenJobs.current.add(job.id);
      setPanelOpen(true);
      void follow(recipeId, job);
    };
    void look();
    const t = window.setInterval(() => void look(), ACTIVE_JOB_POLL_MS);
    return () => {
      live = false;
      window.clearInterval(t);
    };
  }, [projectId, recipeId, outputKey, following, follow, openedAt]);

  return {
    runState,
    running: following,
    mode,
    setMode,
    panelOpen,
    closePanel: () => setPanelOpen(false),
    runRecipe,
    names,
  };
}
