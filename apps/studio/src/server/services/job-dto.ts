import "server-only";
import { BuildPlanSchema, type Job, RemoteRunInfoSchema } from "@sous/contracts";
import type { JobActivityModel, JobModel } from "@sous/db";
import { z } from "zod";
import { jobProgress } from "./job-progress.ts";

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const ids = z.array(z.string());
const positions = z.array(z.number().int());

export type JobRow = JobModel & {
  activities: JobActivityModel[];
  createdBy: { id: string; name: string } | null;
};

/** Include this in every query whose rows go through jobDto. */
export const jobInclude = {
  activities: true,
  createdBy: { select: { id: true, name: true } },
} as const;

// Stored JSON is parsed on the way out: a row that no longer matches its schema is a bug to see.
export function jobDto(j: JobRow, now = Date.now()): Job {
  return {
    id: j.id,
    projectId: j.projectId,
    state: j.state === "SKIPPED" ? "CANCELLED" : j.state,
    mode: j.mode,
    targets: ids.parse(j.targets),
    plan: j.plan === null ? null : BuildPlanSchema.parse(j.plan),
    activities: [...j.activities]
      .sort((a, b) => a.position - b.position)
      .map((a) => ({
        id: a.id,
        position: a.position,
        recipeId: a.recipeId,
        recipeIds: a.recipeIds === null ? [a.recipeId] : ids.parse(a.recipeIds),
        outputDatasetId: a.outputDatasetId,
        virtualDatasetIds: a.virtualDatasetIds === null ? [] : ids.parse(a.virtualDatasetIds),
        dependsOn: a.dependsOn === null ? [] : positions.parse(a.dependsOn),
        engine: a.engine,
        state: a.state,
        sparkSql: a.sparkSql,
        duckdbSql: a.duckdbSql,
        rowsWritten: a.rowsWritten === null ? null : Number(a.rowsWritten),
        attempts: a.attempts,
        error: a.error,
        startedAt: iso(a.startedAt),
        finishedAt: iso(a.finishedAt),
        durationMs: a.startedAt && a.finishedAt ? a.finishedAt.getTime() - a.startedAt.getTime() : null,
        // The worker stores the SQL only once it runs the statement: a success without any is an
        // output found up to date at run time (smart and missing-only builds).
        upToDate: a.state === "SUCCEEDED" && a.duckdbSql === null && a.sparkSql === null,
        remote: a.remote === null ? null : RemoteRunInfoSchema.parse(a.remote),
      })),
    createdBy: j.createdBy,
    errorCode: j.errorCode,
    error: j.error,
    cancelRequestedAt: iso(j.cancelRequestedAt),
    queuedAt: j.queuedAt.toISOString(),
    startedAt: iso(j.startedAt),
    finishedAt: iso(j.finishedAt),
    progress: jobProgress({ ...j, state: j.state === "SKIPPED" ? "CANCELLED" : j.state }, now),
  };
}
