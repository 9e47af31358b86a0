import path from "node:path";
import { createDb } from "@sous/db";
import { apiNodeAdminToken } from "@sous/server-domain/api-services";
import { createDatasetStorage } from "@sous/storage";
import { parseApiNodeEnv } from "./env.ts";
import { startApiNode } from "./server.ts";

// The environment is read here, once; everything below takes options.
const env = parseApiNodeEnv(process.env);
const db = createDb({ databaseUrl: env.DATABASE_URL, poolSize: 4 });
const storage = createDatasetStorage({
  kind: env.SOUS_STORAGE,
  dataDir: path.resolve(env.SOUS_DATA_DIR),
  connectionString: env.AZURE_STORAGE_CONNECTION_STRING,
  container: env.AZURE_STORAGE_CONTAINER,
  cacheMaxBytes: env.SOUS_BLOB_CACHE_MAX_BYTES,
});
const node = await startApiNode({
  db,
  storage,
  databaseUrl: env.DATABASE_URL,
  adminToken: apiNodeAdminToken(env.SOUS_SECRET_KEY),
  port: env.SOUS_API_NODE_PORT,
  host: env.SOUS_API_NODE_HOST,
  maxBodyBytes: env.SOUS_API_NODE_MAX_BODY_BYTES,
  maxItems: env.SOUS_API_NODE_MAX_ITEMS,
  reloadEveryMs: env.SOUS_API_NODE_RELOAD_SECONDS * 1000,
  metrics: { flushEveryMs: env.SOUS_API_NODE_METRICS_FLUSH_SECONDS * 1000 },
  retention: {
    requestLogDays: env.SOUS_API_NODE_LOG_RETENTION_DAYS,
    metricsDays: env.SOUS_API_NODE_METRICS_RETENTION_DAYS,
  },
});
const routes = node.registry.routes;
console.log(
  `[api-node] ready on ${env.SOUS_API_NODE_HOST}:${env.SOUS_API_NODE_PORT}: ${routes?.services.size ?? 0} API services, reloads on NOTIFY (${node.listening ? "listening" : "not listening yet: polling"})`,
);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) process.exit(1);
  stopping = true;
  console.log(`[api-node] ${signal}: finishing requests in flight, writing the request log`);
  await node.close();
  await db.$disconnect();
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
