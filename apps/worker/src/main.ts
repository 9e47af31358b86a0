import { createRedisConnection } from "@sous/queue";
import { createWorkerContext } from "./context.ts";
import { env } from "./env.ts";
import { registerWorkers } from "./registry.ts";

const ctx = await createWorkerContext(env);
const connection = createRedisConnection(env.REDIS_URL);
const workers = registerWorkers({
  ctx,
  connection,
  prefix: env.SOUS_QUEUE_PREFIX,
  concurrency: env.SOUS_WORKER_CONCURRENCY,
});
console.log(
  `[worker] ready: queues ${workers.map((w) => w.name).join(", ")}, concurrency ${env.SOUS_WORKER_CONCURRENCY}`,
);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`[worker] ${signal}: finishing running jobs`);
  // close() waits for active jobs; a second signal exits at once.
  await Promise.all(workers.map((w) => w.close()));
  await connection.quit().catch(() => {});
  await ctx.db.$disconnect();
  ctx.engine.close();
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
