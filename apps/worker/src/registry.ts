import { BuildJobPayloadSchema, QueueName } from "@sous/contracts";
import { Worker } from "bullmq";
import type { Redis } from "ioredis";
import type { WorkerContext } from "./context.ts";
import { jobLog } from "./jobs/build/job-log.ts";
import { markBuildJobFailed, processBuildJob } from "./jobs/build/process-build-job.ts";
import type { BuildSettings } from "./jobs/build/settings.ts";

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
    void jobLog(
      opts.ctx.db,
      jobId,
      "warn",
      "The worker running this job stopped responding; the job is handed to another worker.",
    ).catch(() => {});
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
