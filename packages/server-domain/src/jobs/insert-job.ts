import { type BuildPlan, newId } from "@sous/contracts";
import type { Db, JobActivityModel, JobModel } from "@sous/db";
import { initialJobState } from "./job-state.ts";

export interface NewJob {
  projectId: string;
  createdById: string | null;
  /** What the planner made of the request: the job's mode, targets and activities come from it. */
  plan: BuildPlan;
  queuePrefix: string | null;
}

/** The job's first log line: what was planned. */
function plannedLine(plan: BuildPlan): string {
  const n = plan.activities.length;
  return n === 0
    ? "Nothing to build: every dataset asked for is up to date."
    : `Planned ${n} activit${n === 1 ? "y" : "ies"} (${plan.mode}).`;
}

/**
 * Creates a planned job, its activities and its first log line (plannedLine) in ONE statement, and
 * returns the rows as Prisma would read them back. The studio, the worker's tests and the
 * benchmarks create jobs with it. The job's time counts from `queuedAt`, set before the write: a
 * nested create plus the read-back took 8 round trips (begin, three inserts, three selects,
 * commit), about 10 ms a build waited before the worker could see its job. The rows' values are
 * the ones written here; the columns this does not write take their defaults, which the returned
 * rows repeat (QUEUED, no attempts, nothing run yet): the integration test reads them back.
 * A plan with no activity ends at once (SUCCEEDED, see initialJobState).
 */
export async function insertJob(
  db: Db,
  job: NewJob,
  now = new Date(),
): Promise<JobModel & { activities: JobActivityModel[] }> {
  const { plan } = job;
  const id = newId();
  const initial = initialJobState(plan.activities.length, now);
  const startedAt = initial.state === "SUCCEEDED" ? initial.startedAt : null;
  const finishedAt = initial.state === "SUCCEEDED" ? initial.finishedAt : null;
  const activities: JobActivityModel[] = plan.activities.map((a) => ({
    id: newId(),
    jobId: id,
    position: a.position,
    // The activity's own recipe is the last of those merged into it (a pipeline's).
    recipeId: a.recipeIds[a.recipeIds.length - 1]!,
    outputDatasetId: a.outputDatasetId,
    engine: a.engine,
    recipeIds: a.recipeIds,
    virtualDatasetIds: a.virtualDatasetIds,
    dependsOn: a.dependsOn,
    sparkSql: null,
    duckdbSql: null,
    state: "QUEUED",
    rowsWritten: null,
    stagingPrefix: null,
    remote: null,
    attempts: 0,
    error: null,
    startedAt: null,
    finishedAt: null,
  }));
  // Foreign keys are checked at the end of the statement, so the activities and the log line
  // may reference the job inserted beside them. The change triggers send their NOTIFY at commit.
  await db.$executeRaw`
    WITH j AS (
      INSERT INTO "Job" ("id", "projectId", "createdById", "state", "mode", "targets", "plan",
        "queuePrefix", "queuedAt", "startedAt", "finishedAt")
      VALUES (${id}::text, ${job.projectId}::text, ${job.createdById}::text, ${initial.state}::"JobState",
        ${plan.mode}::text, ${JSON.stringify(plan.targets)}::jsonb, ${JSON.stringify(plan)}::jsonb,
        ${job.queuePrefix}::text, ${now}::timestamp(3), ${startedAt}::timestamp(3), ${finishedAt}::timestamp(3))
      RETURNING "id"
    ), a AS (
      INSERT INTO "JobActivity" ("id", "jobId", "position", "recipeId", "outputDatasetId", "engine",
        "recipeIds", "virtualDatasetIds", "dependsOn")
      SELECT x."id", j."id", x."position", x."recipeId", x."outputDatasetId", x."engine",
        x."recipeIds", x."virtualDatasetIds", x."dependsOn"
      FROM j, jsonb_to_recordset(${JSON.stringify(activities)}::jsonb) AS x("id" text, "position" int,
        "recipeId" text, "outputDatasetId" text, "engine" text, "recipeIds" jsonb,
        "virtualDatasetIds" jsonb, "dependsOn" jsonb)
    )
    INSERT INTO "JobLog" ("jobId", "at", "level", "message")
    SELECT j."id", ${now}::timestamp(3), 'info', ${plannedLine(plan)}::text FROM j`;
  return {
    id,
    projectId: job.projectId,
    createdById: job.createdById,
    state: initial.state,
    mode: plan.mode,
    targets: plan.targets,
    plan: plan as unknown as JobModel["plan"],
    cancelRequestedAt: null,
    queuePrefix: job.queuePrefix,
    errorCode: null,
    error: null,
    queuedAt: now,
    startedAt,
    finishedAt,
    activities,
  };
}
