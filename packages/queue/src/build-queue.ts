import { type BuildJobPayload, BuildJobPayloadSchema, QueueName } from "@sous/contracts";
import { Queue } from "bullmq";
import type { Redis } from "ioredis";

export type BuildQueue = Queue<BuildJobPayload>;

/** Default options set once here: retries only help transient faults, the worker fails the rest at once. */
const defaultJobOptions = {
  attempts: 3,
  backoff: { type: "exponential", delay: 1000 },
  removeOnComplete: { count: 1000 },
  removeOnFail: { count: 5000 },
} as const;

export function createBuildQueue(opts: { connection: Redis; prefix: string }): BuildQueue {
  return new Queue<BuildJobPayload>(QueueName.build, {
    connection: opts.connection,
    prefix: opts.prefix,
    defaultJobOptions,
  });
}

/** Enqueues a build; the BullMQ job id is the Job row id, so a double submit is a no-op. */
export async function enqueueBuild(queue: BuildQueue, payload: BuildJobPayload): Promise<void> {
  const data = BuildJobPayloadSchema.parse(payload);
  await queue.add("build", data, { jobId: data.jobId });
}
