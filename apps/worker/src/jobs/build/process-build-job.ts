import { BuildJobPayloadSchema } from "@sous/contracts";
import { type Job, UnrecoverableError } from "bullmq";
import type { WorkerContext } from "../../context.ts";
import { permanentFailureMessage } from "./activity-error.ts";
import { jobLog } from "./job-log.ts";
import { runActivity } from "./run-activity.ts";

/**
 * The build processor. The payload is only the job id; the Job row is the state. Idempotent:
 * a retried or redelivered job skips activities that already succeeded.
 */
export async function processBuildJob(ctx: WorkerContext, bull: Job, signal?: AbortSignal): Promise<void> {
  const { jobId } = BuildJobPayloadSchema.parse(bull.data);
  const { db } = ctx;
  const job = await db.job.findUnique({ where: { id: jobId }, include: { activities: true } });
  if (!job) throw new UnrecoverableError(`Job ${jobId} does not exist`);
  if (job.state === "SUCCEEDED" || job.state === "FAILED" || job.state === "CANCELLED") return;

  await db.job.update({
    where: { id: jobId },
    data: { state: "RUNNING", startedAt: job.startedAt ?? new Date() },
  });
  await jobLog(db, jobId, "info", `Job started (attempt ${bull.attemptsMade + 1})`);

  const activities = [...job.activities].sort((a, b) => a.position - b.position);
  for (const activity of activities) {
    if (activity.state === "SUCCEEDED") continue;
    await db.jobActivity.update({
      where: { id: activity.id },
      data: { state: "RUNNING", startedAt: new Date() },
    });
    try {
      const rows = await runActivity(ctx, activity, signal);
      await db.jobActivity.update({
        where: { id: activity.id },
        data: { state: "SUCCEEDED", rowsWritten: BigInt(rows), finishedAt: new Date() },
      });
    } catch (e) {
      const message = permanentFailureMessage(e);
      if (message === null) {
        await jobLog(db, jobId, "warn", `Transient failure, will retry: ${(e as Error).message}`);
        throw e;
      }
      const cancelled = message === "Cancelled.";
      await db.jobActivity.update({
        where: { id: activity.id },
        data: { state: cancelled ? "CANCELLED" : "FAILED", error: message, finishedAt: new Date() },
      });
      await db.jobActivity.updateMany({
        where: { jobId, state: "QUEUED" },
        data: { state: "CANCELLED", error: "Skipped: an earlier activity failed." },
      });
      await db.job.update({
        where: { id: jobId },
        data: {
          state: cancelled ? "CANCELLED" : "FAILED",
          errorCode: cancelled ? "cancelled" : "activity_failed",
          error: message,
          finishedAt: new Date(),
        },
      });
      await jobLog(db, jobId, "error", message);
      return;
    }
  }
  await db.job.update({ where: { id: jobId }, data: { state: "SUCCEEDED", finishedAt: new Date() } });
  await jobLog(db, jobId, "info", "Job succeeded");
}

/** Called when BullMQ gives up on a job (retries exhausted): the row must not stay RUNNING. */
export async function markBuildJobFailed(ctx: WorkerContext, jobId: string, reason: string): Promise<void> {
  await ctx.db.job.updateMany({
    where: { id: jobId, state: { in: ["QUEUED", "RUNNING"] } },
    data: {
      state: "FAILED",
      errorCode: "worker_error",
      error: `The worker could not run this job: ${reason}`,
      finishedAt: new Date(),
    },
  });
  await ctx.db.jobActivity.updateMany({
    where: { jobId, state: { in: ["QUEUED", "RUNNING"] } },
    data: { state: "FAILED", error: reason, finishedAt: new Date() },
  });
}
