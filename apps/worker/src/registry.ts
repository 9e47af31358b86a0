import { BuildJobPayloadSchema, QueueName } from "@sous/contracts";
import { Worker } from "bullmq";
import type { Redis } from "ioredis";
import type { WorkerContext } from "./context.ts";
import { markBuildJobFailed, processBuildJob } from "./jobs/build/process-build-job.ts";

// Every queue this worker consumes, with its concurrency, in one place.
export function registerWorkers(opts: {
  ctx: WorkerContext;
  connection: Redis;
  prefix: string;
  concurrency: number;
}): Worker[] {
  const build = new Worker(QueueName.build, (job, _token, signal) => processBuildJob(opts.ctx, job, signal), {
    connection: opts.connection,
    prefix: opts.prefix,
    concurrency: opts.concurrency,
    // A job whose worker died is redelivered after this long without a lock renewal.
    lockDuration: 30_000,
    stalledInterval: 15_000,
    maxStalledCount: 2,
  });
  build.on("failed", (job, err) => {
    if (!job) return;
    const final = job.attemptsMade >= (job.opts.attempts ?? 1) || err.name === "UnrecoverableError";
    const parsed = BuildJobPayloadSchema.safeParse(job.data);
    if (final && parsed.success) {
      void markBuildJobFailed(opts.ctx, parsed.data.jobId, err.message).catch((e) =>
        console.error("[worker] mark failed", e),
      );
    }
  });
  build.on("error", (err) => console.error("[worker] build queue error:", err.message));
  return [build];
}
