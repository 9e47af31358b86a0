import "server-only";
import path from "node:path";
import { createDb, createJobChangeListener, type Db, type JobChangeListener } from "@sous/db";
import { LocalEngine } from "@sous/engine-local";
import { type BuildQueue, createBuildQueue, createRedisConnection } from "@sous/queue";
import { createDatasetStorage, type DatasetStorage } from "@sous/storage";
import { env } from "./env.ts";

// Process-wide singletons, created on first use. Cached on globalThis so Next's dev reloads reuse them.
interface StudioContext {
  db: Db;
  /** Wakes job event streams on the job triggers' NOTIFY; connects on first use. */
  jobChanges: JobChangeListener;
  storage: DatasetStorage;
  dataDir: string;
  buildQueue: BuildQueue;
  engine: Promise<LocalEngine>;
}
const g = globalThis as unknown as { __sousStudio?: StudioContext };

export function ctx(): StudioContext {
  if (g.__sousStudio) return g.__sousStudio;
  const e = env();
  const dataDir = path.resolve(e.SOUS_DATA_DIR);
  const storage = createDatasetStorage({
    kind: e.SOUS_STORAGE,
    dataDir,
    connectionString: e.AZURE_STORAGE_CONNECTION_STRING,
    container: e.AZURE_STORAGE_CONTAINER,
    cacheMaxBytes: e.SOUS_BLOB_CACHE_MAX_BYTES,
  });
  g.__sousStudio = {
    db: createDb({ databaseUrl: e.DATABASE_URL }),
    jobChanges: createJobChangeListener({
      databaseUrl: e.DATABASE_URL,
      onError: (err) => console.warn(`[jobs] live job updates: ${err.message}`),
    }),
    storage,
    dataDir,
    buildQueue: createBuildQueue({
      connection: createRedisConnection(e.REDIS_URL),
      prefix: e.SOUS_QUEUE_PREFIX,
    }),
    engine: LocalEngine.create({ allowedDirectories: [dataDir] }),
  };
  return g.__sousStudio;
}
