import path from "node:path";
import { createSecretBox, type SecretBox, type ServerEnv } from "@sous/config";
import type { ClusterLoad, DatabricksTimeouts } from "@sous/databricks";
import { createDb, createJobCancelListener, type Db, type JobCancelListener } from "@sous/db";
import { LocalEngine } from "@sous/engine-local";
import { createRedisConnection } from "@sous/queue";
import { createDatasetStorage, type DatasetStorage } from "@sous/storage";
import { createRedisClusterLoad } from "./redis-cluster-load.ts";

/** What a processor needs, built once at boot from the env and passed down explicitly. */
export interface WorkerContext {
  db: Db;
  storage: DatasetStorage;
  engine: LocalEngine;
  dataDir: string;
  /** Delivers cancel requests of running jobs (Postgres NOTIFY). Without it, running jobs poll their row. */
  cancels?: JobCancelListener;
  /**
   * Remote (Databricks) runs: the secret box that opens connection tokens, and the cluster load
   * bookkeeping (in Redis, shared by every worker process). Without it, Databricks activities fail.
   */
  remote?: { secretBox: SecretBox; load: ClusterLoad; timeouts?: DatabricksTimeouts };
}

export async function createWorkerContext(env: ServerEnv): Promise<WorkerContext> {
  const dataDir = path.resolve(env.SOUS_DATA_DIR);
  const storage = createDatasetStorage({
    kind: env.SOUS_STORAGE,
    dataDir,
    connectionString: env.AZURE_STORAGE_CONNECTION_STRING,
    container: env.AZURE_STORAGE_CONTAINER,
    cacheMaxBytes: env.SOUS_BLOB_CACHE_MAX_BYTES,
  });
  return {
    db: createDb({ databaseUrl: env.DATABASE_URL }),
    storage,
    engine: await LocalEngine.create({ allowedDirectories: [dataDir] }),
    dataDir,
    cancels: createJobCancelListener({
      databaseUrl: env.DATABASE_URL,
      applicationName: "sous-worker-cancels",
      onError: (e) => console.warn(`[worker] cancel notifications: ${e.message}`),
    }),
    remote: {
      secretBox: createSecretBox(env.SOUS_SECRET_KEY),
      // Shared by every worker process on this Redis: busy clusters are counted across all of them.
      load: createRedisClusterLoad({
        redis: createRedisConnection(env.REDIS_URL),
        prefix: env.SOUS_QUEUE_PREFIX,
      }),
      timeouts: {
        connectMs: env.SOUS_DATABRICKS_CONNECT_TIMEOUT_SECONDS * 1000,
        readMs: env.SOUS_DATABRICKS_READ_TIMEOUT_SECONDS * 1000,
      },
    },
  };
}
