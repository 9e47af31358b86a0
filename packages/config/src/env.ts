import { z } from "zod";

// Env fragments shared by the studio and the worker. Each app parses its env once at boot
// (apps/*/src/env.ts); libraries never read process.env, they take these values as options.

const emptyAsUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const str = () => z.preprocess(emptyAsUndefined, z.string());
const optStr = () => z.preprocess(emptyAsUndefined, z.string().optional());
const int = (def: number) => z.preprocess(emptyAsUndefined, z.coerce.number().int().positive().default(def));

export const DatabaseEnvSchema = z.object({
  DATABASE_URL: str().default("postgresql://postgres@127.0.0.1:5432/sous"),
});

export const RedisEnvSchema = z.object({
  REDIS_URL: str().default("redis://127.0.0.1:6379"),
  /** BullMQ key prefix; tests use their own so they never touch a running studio's queues. */
  SOUS_QUEUE_PREFIX: str().default("sous"),
});

export const StorageEnvSchema = z.object({
  SOUS_DATA_DIR: str().default(".data"),
  SOUS_STORAGE: z.preprocess(emptyAsUndefined, z.enum(["local", "azure-blob"]).default("local")),
  AZURE_STORAGE_CONNECTION_STRING: optStr(),
  AZURE_STORAGE_CONTAINER: str().default("sous"),
  /**
   * Cap in bytes on the local cache of Blob dataset versions DuckDB reads (under SOUS_DATA_DIR/cache);
   * least recently used versions are evicted past it. Default 10 GiB.
   */
  SOUS_BLOB_CACHE_MAX_BYTES: int(10 * 1024 * 1024 * 1024),
});

export const SecretsEnvSchema = z.object({
  /** 32 bytes, base64: the AES-256-GCM key for secrets at rest (Databricks tokens, passwords). */
  SOUS_SECRET_KEY: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .refine(
        (v) => Buffer.from(v, "base64").length === 32,
        "SOUS_SECRET_KEY must be 32 bytes, base64-encoded",
      ),
  ),
});

export const ServerEnvSchema = DatabaseEnvSchema.extend(RedisEnvSchema.shape)
  .extend(StorageEnvSchema.shape)
  .extend(SecretsEnvSchema.shape)
  .extend({
    SOUS_UPLOAD_MAX_BYTES: int(1024 * 1024 * 1024),
    /** Published versions kept per dataset (the current one included); older ones are removed. */
    SOUS_DATASET_VERSIONS_KEPT: int(5),
    /** A statement of a Postgres import (the cursor's declaration, one batch of rows) stops after this. */
    SOUS_POSTGRES_IMPORT_TIMEOUT_SECONDS: int(300),
    SOUS_SESSION_TTL_HOURS: int(24 * 14),
    SOUS_WORKER_CONCURRENCY: int(2),
    /** Create the "Retail demo" project at studio start when it does not exist (npm start sets it). */
    SOUS_SEED_DEMO: z
      .preprocess(emptyAsUndefined, z.enum(["0", "1"]).default("0"))
      .transform((v) => v === "1"),
    /** Opening a connection to a Databricks workspace (TCP and TLS). */
    SOUS_DATABRICKS_CONNECT_TIMEOUT_SECONDS: int(10),
    /** Waiting for one answer of a Databricks workspace: a REST call, or one SQL RPC of a build. */
    SOUS_DATABRICKS_READ_TIMEOUT_SECONDS: int(30),
    /** The same for the studio's calls a person waits on: Test connection, saving a compute profile. */
    SOUS_DATABRICKS_CHECK_TIMEOUT_SECONDS: int(10),
  })
  .superRefine((env, ctx) => {
    if (env.SOUS_STORAGE === "azure-blob" && !env.AZURE_STORAGE_CONNECTION_STRING) {
      ctx.addIssue({
        code: "custom",
        path: ["AZURE_STORAGE_CONNECTION_STRING"],
        message: "SOUS_STORAGE=azure-blob needs AZURE_STORAGE_CONNECTION_STRING",
      });
    }
  });
export type ServerEnv = z.infer<typeof ServerEnvSchema>;

/** Parses the environment or throws one readable error listing every bad variable. */
export function parseServerEnv(env: Record<string, string | undefined>): ServerEnv {
  const r = ServerEnvSchema.safeParse(env);
  if (r.success) return r.data;
  const lines = r.error.issues.map((i) => `  ${i.path.join(".") || "(env)"}: ${i.message}`);
  throw new Error(`Invalid environment:\n${lines.join("\n")}\nSee .env.example for every variable.`);
}
