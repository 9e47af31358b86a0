import "server-only";
import {
  AppError,
  type BuildPlan,
  type CreateJobResult,
  type Job,
  type JobLog,
  type JobState,
  type User,
} from "@sous/contracts";
import type { Prisma } from "@sous/db";
import { planBuild, type SchemaProblem } from "@sous/flow";
import { enqueueBuild } from "@sous/queue";
import { type BuildGraphWithSchemas, insertJob, loadBuildGraph, requestJobCancel } from "@sous/server-domain";
import { ctx } from "../context.ts";
import { env } from "../env.ts";
import { planSchemaProblems } from "./flow-schemas.ts";
import { jobDto, jobInclude } from "./job-dto.ts";
import { jobLogLine } from "./job-events.ts";

const ENQUEUE_WAIT_MS = 3000;

/** Plans a build for the project's current flow, or says which targets cannot be built. */
async function planJob(
  projectId: string,
  input: { targets: string[]; mode: BuildPlan["mode"]; pipelines?: boolean },
): Promise<{ plan: BuildPlan; graph: BuildGraphWithSchemas }> {
  const graph = await loadBuildGraph(ctx().db, projectId);
  const r = planBuild({ graph, targets: input.targets, mode: input.mode, pipelines: input.pipelines });
  if (r.ok) return { plan: r.plan, graph };
  if (r.reason === "unknown")
    throw new AppError("not_found", `No dataset ${r.datasetIds.join(", ")} in this project.`);
  const names = graph.datasets.filter((d) => r.datasetIds.includes(d.id)).map((d) => d.name);
  throw new AppError(
    "invalid_input",
    `${names.join(", ")} is not the output of any recipe, so there is nothing to build. Re-upload it to replace its data.`,
  );
}

/** The 409 of a build whose plan has problems: each problem named by its recipe, nothing queued. */
function buildRefused(problems: SchemaProblem[]): AppError {
  const listed = problems.map((p) => `${p.recipeName}: ${p.message}`);
  const shown = listed.slice(0, 3).join(" ");
  const more = listed.length > 3 ? ` (and ${listed.length - 3} more)` : "";
  return new AppError(
    "conflict",
    `The build was not started: ${problems.length === 1 ? "a recipe" : `${problems.length} recipes`} would fail. ${shown}${more}`,
    { details: { problems } },
  );
}

/**
 * Plans the build, creates the job row (QUEUED, one activity per planned activity, the plan
 * stored) and enqueues its id. The row is the truth: if Redis cannot take the job now, it stays
 * QUEUED and is enqueued when Redis is back. A plan with nothing to do ends at once, without a worker.
 */
export async function createJob(
  user: User | null,
  projectId: string,
  input: { targets: string[]; mode: BuildPlan["mode"]; dryRun?: boolean; pipelines?: boolean },
): Promise<CreateJobResult> {
  const { db } = ctx();
  const { plan, graph } = await planJob(projectId, input);
  // What the build would fail on (unbuilt inputs it does not build, recipes invalid on the
  // schemas their inputs will have): a dry run lists it, a real build is refused with it before
  // anything is queued, rather than failing minutes later in the worker. Checked on the flow the
  // plan was made from (one read for both).
  const problems = planSchemaProblems(graph, plan);
  if (input.dryRun) return { dryRun: true, plan: { ...plan, problems }, job: null };
  if (problems.length > 0) throw buildRefused(problems);
  const row = await insertJob(db, {
    projectId,
    createdById: user?.id ?? null,
    plan,
    queuePrefix: env().SOUS_QUEUE_PREFIX,
  });
  const job = { ...row, createdBy: user ? { id: user.id, name: user.name } : null };
  if (plan.activities.length === 0) return jobDto(job);
  await enqueueJob(job.id);
  return jobDto(job);
}

/**
 * Sends a QUEUED job row to the worker. Redis restarting must not lose the job nor hang the
 * request: after a short wait the row stays QUEUED and the worker's reconciliation enqueues it
 * once Redis answers again (the pending add may also land by itself; the BullMQ job id is the row
 * id, so never twice).
 */
export async function enqueueJob(jobId: string): Promise<void> {
  const { db, buildQueue } = ctx();
  const enqueued = await Promise.race([
    enqueueBuild(buildQueue, { jobId }).then(
      () => true,
      (e) => {
        console.error("[jobs] enqueue failed", e);
        return false;
      },
    ),
    new Promise<false>((r) => setTimeout(() => r(false), ENQUEUE_WAIT_MS)),
  ]);
  if (!enqueued) {
    await db.jobLog.create({
      data: {
        jobId,
        level: "warn",
        message: "The job queue (Redis) did not answer; the job starts as soon as it is back.",
      },
    });
  }
}

export async function getJob(projectId: string, jobId: string): Promise<Job> {
  const j = await ctx().db.job.findFirst({ where: { id: jobId, projectId }, include: jobInclude });
  if (!j) throw new AppError("not_found", "Job not found.");
  return jobDto(j);
}

export async function listJobs(
  projectId: string,
  q: { state?: JobState; dataset?: string; user?: string; limit: number; before?: string } = { limit: 50 },
): Promise<Job[]> {
  const where: Prisma.JobWhereInput = { projectId };
  if (q.state) where.state = q.state;
  if (q.user) where.createdById = q.user;
  if (q.before) where.queuedAt = { lt: new Date(q.before) };
  if (q.dataset) {
    where.OR = [
      { targets: { array_contains: [q.dataset] } },
      { activities: { some: { outputDatasetId: q.dataset } } },
    ];
  }
  const rows = await ctx().db.job.findMany({
    where,
    include: jobInclude,
    orderBy: { queuedAt: "desc" },
    take: q.limit,
  });
  return rows.map((r) => jobDto(r));
}

/** A page of log lines, oldest first; pass the last id as `after` for the next page. */
export async function getJobLogs(
  projectId: string,
  jobId: string,
  q: { after?: string; limit: number } = { limit: 1000 },
): Promise<JobLog[]> {
  const { db } = ctx();
  const exists = await db.job.findFirst({ where: { id: jobId, projectId }, select: { id: true } });
  if (!exists) throw new AppError("not_found", "Job not found.");
  const rows = await db.jobLog.findMany({
    where: { jobId, ...(q.after ? { id: { gt: BigInt(q.after) } } : {}) },
    orderBy: { id: "asc" },
    take: q.limit,
  });
  return rows.map(jobLogLine);
}

/**
 * Cancels a job. A queued job ends CANCELLED here; a running one is flagged and its worker
 * interrupts the running query within a moment, publishes nothing and ends it CANCELLED.
 */
export async function cancelJob(user: User, projectId: string, jobId: string): Promise<Job> {
  const { db, buildQueue } = ctx();
  const j = await db.job.findFirst({ where: { id: jobId, projectId }, select: { id: true } });
  if (!j) throw new AppError("not_found", "Job not found.");
  const r = await requestJobCancel(db, jobId);
  if (r.outcome === "not-found") throw new AppError("not_found", "Job not found.");
  if (r.outcome === "finished")
    throw new AppError("conflict", `The job has already finished (${r.state.toLowerCase()}).`);
  await db.jobLog.create({ data: { jobId, level: "warn", message: `Cancel requested by ${user.name}.` } });
  // Ended before it started: no worker will run it, so it leaves the queue.
  if (r.outcome === "cancelled") await buildQueue.remove(jobId).catch(() => 0);
  return getJob(projectId, jobId);
}

/** Names for the jobs pages: datasets, recipes and the users who started jobs in the project. */
export async function jobNames(projectId: string) {
  const { db } = ctx();
  const [datasets, recipes, users] = await Promise.all([
    db.dataset.findMany({
      where: { projectId },
      select: {
        id: true,
        name: true,
        recipeLinks: { where: { role: "OUTPUT" }, select: { recipeId: true } },
      },
      orderBy: { name: "asc" },
    }),
    db.recipe.findMany({ where: { projectId }, select: { id: true, name: true } }),
    db.user.findMany({
      where: { jobs: { some: { projectId } } },
      select: { id: true, name: true },
      orderBy: { name: "asc" },
    }),
  ]);
  return {
    datasets: datasets.map((d) => ({ id: d.id, name: d.name })),
    /** Datasets a recipe writes: the ones a build can target. */
    buildable: datasets.filter((d) => d.recipeLinks.length > 0).map((d) => ({ id: d.id, name: d.name })),
    recipes,
    users,
  };
}
