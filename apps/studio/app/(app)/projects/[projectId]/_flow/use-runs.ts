"use client";

import type { BuildMode, Job } from "@sous/contracts";
import { useCallback, useEffect, useRef, useState } from "react";
import { apiCall, errorMessage } from "@/ui/api.ts";

export type RunState =
  | { phase: "starting" }
  | { phase: "QUEUED" | "RUNNING" | "SUCCEEDED" | "FAILED" | "CANCELLED"; job: Job }
  | { phase: "error"; message: string };

const TERMINAL = new Set(["SUCCEEDED", "FAILED", "CANCELLED"]);
const POLL_MS = 750;

export const isActive = (r: RunState | undefined) =>
  r !== undefined && (r.phase === "starting" || r.phase === "QUEUED" || r.phase === "RUNNING");

/**
 * Runs of recipes started from this page, keyed by recipe id: start a build job for the recipe's
 * outputs and poll it to the end. `onChange` is told when a job changes state, so the Flow can
 * show outputs as building, then built.
 */
export function useRuns(projectId: string, onChange: () => Promise<unknown>) {
  const [runs, setRuns] = useState<Record<string, RunState>>({});
  const alive = useRef(true);
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;
  useEffect(() => {
    alive.current = true;
    return () => {
      alive.current = false;
    };
  }, []);

  const set = useCallback((recipeId: string, r: RunState) => {
    if (alive.current) setRuns((prev) => ({ ...prev, [recipeId]: r }));
  }, []);

  const follow = useCallback(
    async (recipeId: string, job: Job) => {
      let last = job.state;
      set(recipeId, { phase: job.state, job });
      while (alive.current && !TERMINAL.has(last)) {
        await new Promise((r) => setTimeout(r, POLL_MS));
        if (!alive.current) return;
        let j: Job;
        try {
          j = await apiCall("GET /projects/{projectId}/jobs/{jobId}", {
            params: { projectId, jobId: job.id },
          });
        } catch (e) {
          // A blip (server restarting) should not lose the job: keep polling, slower.
          set(recipeId, { phase: "error", message: `Lost track of the job: ${errorMessage(e)} Retrying…` });
          await new Promise((r) => setTimeout(r, POLL_MS * 4));
          continue;
        }
        // On the final state, refresh the Flow first: "Done" then appears together with the
        // output shown as built, never next to a stale "Building" badge.
        if (TERMINAL.has(j.state)) await onChangeRef.current();
        set(recipeId, { phase: j.state, job: j });
        if (j.state !== last && !TERMINAL.has(j.state)) void onChangeRef.current();
        last = j.state;
      }
    },
    [projectId, set],
  );

  const run = useCallback(
    async (recipeId: string, targets: string[], mode: BuildMode = "build-only-this") => {
      set(recipeId, { phase: "starting" });
      try {
        const job = await apiCall("POST /projects/{projectId}/jobs", {
          params: { projectId },
          body: { targets, mode },
        });
        // Not a dry run, so the answer is the job (a dry run answers its plan).
        if ("dryRun" in job) throw new Error("The server planned the build instead of starting it.");
        void onChangeRef.current();
        await follow(recipeId, job);
      } catch (e) {
        set(recipeId, { phase: "error", message: errorMessage(e) });
      }
    },
    [projectId, follow, set],
  );

  return { runs, run, follow };
}
