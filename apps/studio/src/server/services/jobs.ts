import "server-only";
import { AppError, type Job, type User } from "@sous/contracts";
import { planBuildOnlyThis } from "@sous/flow";
import { enqueueBuild } from "@sous/queue";
import { ctx } from "../context.ts";
import { jobDto } from "./dto.ts";

/**
 * Creates the job row (state QUEUED, one activity per target) and enqueues its id. The row is the
 * truth; if Redis cannot take the job, the row is marked FAILED so nothing waits forever.
 */
export async function createJob(
  user: User | null,
  projectId: string,
  input: { targets: string[]; mode: string },
): Promise<Job> {
  const { db, buildQueue } = ctx();
  const targets = [...new Set(input.targets)];
  const datasets = await db.dataset.findMany({
    where: { projectId, id: { in: targets } },
    include: { recipeLinks: { where: { role: "OUTPUT" } } },
  });
  const missing = targets.filter((t) => !datasets.some((d) => d.id === t));
  if (missing.length) throw new AppError("not_found", `No dataset ${missing.join(", ")} in this project.`);
  const plan = planBuildOnlyThis(
    targets,
    datasets.flatMap((d) => d.recipeLinks.map((l) => ({ datasetId: d.id, recipeId: l.recipeId }))),
  );
  if (!plan.ok) {
    const names = datasets.filter((d) => plan.unbuildable.includes(d.id)).map((d) => d.name);
    throw new AppError(
      "invalid_input",
      `${names.join(", ")} is not the output of any recipe, so there is nothing to build. Re-upload it to replace its data.`,
    );
  }
  const job = await db.job.create({
    data: {
      projectId,
      createdById: user?.id ?? null,
      mode: input.mode,
      targets,
      activities: { create: plan.activities.map((a) => ({ ...a, engine: "local" })) },
    },
    include: { activities: true },
  });
  try {
    await enqueueBuild(buildQueue, { jobId: job.id });
  } catch (e) {
    console.error("[jobs] enqueue failed", e);
    await db.job.update({
      where: { id: job.id },
      data: {
        state: "FAILED",
        errorCode: "unavailable",
        error: "The job queue (Redis) is unreachable.",
        finishedAt: new Date(),
      },
    });
    throw new AppError(
      "unavailable",
      "The job queue (Redis) is unreachable; the job was not started. Try again when Redis is back.",
    );
  }
  return jobDto(job);
}

export async function getJob(projectId: string, jobId: string): Promise<Job> {
  const j = await ctx().db.job.findFirst({ where: { id: jobId, projectId }, include: { activities: true } });
  if (!j) throw new AppError("not_found", "Job not found.");
  return jobDto(j);
}

export async function listJobs(projectId: string): Promise<Job[]> {
  const rows = await ctx().db.job.findMany({
    where: { projectId },
    include: { activities: true },
    orderBy: { queuedAt: "desc" },
    take: 100,
  });
  return rows.map(jobDto);
}

export async function getJobLogs(projectId: string, jobId: string) {
  await getJob(projectId, jobId);
  const rows = await ctx().db.jobLog.findMany({ where: { jobId }, orderBy: { id: "asc" }, take: 5000 });
  return rows.map((l) => ({ id: String(l.id), at: l.at.toISOString(), level: l.level, message: l.message }));
}
