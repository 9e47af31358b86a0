import { createBuildQueue, createRedisConnection } from "@sous/queue";
import { createWorkerContext } from "./context.ts";
import { env } from "./env.ts";
import { startReconciler } from "./reconcile-lost-jobs.ts";
import { closeWorkers, registerWorkers } from "./registry.ts";

const ctx = await createWorkerContext(env);
const connection = createRedisConnection(env.REDIS_URL);
const workers = registerWorkers({
  ctx,
  connection,
  prefix: env.SOUS_QUEUE_PREFIX,
  queue: {
    concurrency: env.SOUS_WORKER_CONCURRENCY,
    lockMs: env.SOUS_WORKER_LOCK_MS,
    stalledIntervalMs: env.SOUS_WORKER_STALLED_INTERVAL_MS,
    maxStalledCount: env.SOUS_WORKER_MAX_STALLED,
  },
  build: {
    parallelism: env.SOUS_BUILD_PARALLELISM,
    activityTimeoutMs: env.SOUS_ACTIVITY_TIMEOUT_SECONDS * 1000,
    leaseMs: env.SOUS_DATASET_LEASE_MS,
    cancelPollMs: 250,
    versionsKept: env.SOUS_DATASET_VERSIONS_KEPT,
  },
});
const producerConnection = createRedisConnection(env.REDIS_URL);
const queue = createBuildQueue({ connection: producerConnection, prefix: env.SOUS_QUEUE_PREFIX });
const stopReconciler = startReconciler({
  db: ctx.db,
  queue,
  prefix: env.SOUS_QUEUE_PREFIX,
  everyMs: env.SOUS_RECONCILE_INTERVAL_MS,
});
console.log(
  `[worker] ready: queues ${workers.map((w) => w.name).join(", ")}, concurrency ${env.SOUS_WORKER_CONCURRENCY}, ${env.SOUS_BUILD_PARALLELISM} activities in parallel per job`,
);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) {
    console.log(`[worker] ${signal} again: exiting now`);
    process.exit(1);
  }
  stopping = true;
  const graceSeconds = env.SOUS_WORKER_SHUTDOWN_GRACE_SECONDS;
  console.log(`[worker] ${signal}: finishing running jobs (interrupted after ${graceSeconds} s)`);
  stopReconciler();
  // Running jobs get the grace period, then are interrupted (and retried by the queue).
  await closeWorkers(workers, graceSeconds * 1000);
  await queue.close().catch(() => {});
  await Promise.all([connection.quit().catch(() => {}), producerConnection.quit().catch(() => {})]);
  await ctx.cancels?.close();
  await ctx.db.$disconnect();
  ctx.engine.close();
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
