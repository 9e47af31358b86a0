import { BuildJobPayloadSchema, QueueName } from "@sous/contracts";
import { Worker } from "bullmq";
import type { Redis } from "ioredis";
import type { WorkerContext } from "./context.ts";
import { type AttemptTiming, attemptStillAlive } from "./jobs/build/job-attempt.ts";
import { jobLog } from "./jobs/build/job-log.ts";
import { markBuildJobFailed, processBuildJob } from "./jobs/build/process-build-job.ts";
import { type BuildSettings, defaultAttemptTiming } from "./jobs/build/settings.ts";

export interface QueueSettings {
  concurrency: number;
  /** A job whose worker stops renewing its lock this long is stalled and redelivered. */
  lockMs: number;
  stalledIntervalMs: number;
  maxStalledCount: number;
}

// Every queue this worker consumes, with its concurrency, in one place.
export function registerWorkers(opts: {
  ctx: WorkerContext;
  connection: Redis;
  prefix: string;
  queue: QueueSettings;
  build: BuildSettings;
}): Worker[] {
  const build = new Worker(
    QueueName.build,
    (job, _token, signal) => processBuildJob(opts.ctx, opts.build, job, signal),
    {
      connection: opts.connection,
      prefix: opts.prefix,
      concurrency: opts.queue.concurrency,
      lockDuration: opts.queue.lockMs,
      stalledInterval: opts.queue.stalledIntervalMs,
      maxStalledCount: opts.queue.maxStalledCount,
    },
  );
  build.on("failed", (job, err) => {
    if (!job) return;
    const parsed = BuildJobPayloadSchema.safeParse(job.data);
    if (!parsed.success) return;
    // Only when BullMQ gives up (no retry scheduled): the row must then say why.
    void job
      .isFailed()
      .then((final) => (final ? markBuildJobFailed(opts.ctx, parsed.data.jobId, err.message) : undefined))
      .catch((e) => console.error("[worker] mark failed", e));
  });
  // A worker that stopped renewing its lock (killed, frozen): the job goes back to the queue.
  build.on("stalled", (jobId) => {
    void stalledMessage(opts.ctx, jobId, opts.build.attempt ?? defaultAttemptTiming)
      .then((message) => (message ? jobLog(opts.ctx.db, jobId, "warn", message) : undefined))
      .catch(() => {});
  });
  build.on("error", (err) => console.error("[worker] build queue error:", err.message));
  return [build];
}

/**
 * Stops taking jobs and waits for the running ones, at most `graceMs`: then their signals abort
 * (a remote call, a DuckDB query or a wait for a cluster stops at once) and they fail as
 * transient, so the queue runs them again later. A job waiting on a silent workspace can
 * therefore never keep the worker from stopping.
 */
export async function closeWorkers(workers: readonly Worker[], graceMs: number): Promise<void> {
  const interrupt = setTimeout(() => {
    for (const w of workers) w.cancelAllJobs("The worker is stopping.");
  }, graceMs);
  try {
    await Promise.all(workers.map((w) => w.close()));
  } finally {
    clearTimeout(interrupt);
  }
}

/**
 * What a stalled delivery means for the job, if anything: BullMQ calls a job stalled when its
 * lock lapsed, which happens to a finished job whose worker lost Redis too, and to a job whose
 * attempt is alive and well while Redis was away.
 */
async function stalledMessage(
  ctx: WorkerContext,
  jobId: string,
  timing: AttemptTiming,
): Promise<string | null> {
  const alive = await attemptStillAlive(ctx.db, jobId, timing);
  const job = await ctx.db.job.findUnique({ where: { id: jobId }, select: { state: true } });
  if (!job || !["QUEUED", "RUNNING"].includes(job.state)) return null;
  return alive
    ? "The job queue lost contact with the worker running this job (Redis was unreachable); that worker goes on with it."
    : "The worker running this job stopped responding; the job is handed to another worker.";
}
