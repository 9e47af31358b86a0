import { DatabaseEnvSchema, SecretsEnvSchema, StorageEnvSchema } from "@sous/config";
import { z } from "zod";

const emptyAsUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const int = (def: number) => z.preprocess(emptyAsUndefined, z.coerce.number().int().positive().default(def));

/** What the API node reads (documented in .env.example): no Redis, no queue, just Postgres and storage. */
export const ApiNodeEnvSchema = DatabaseEnvSchema.extend(StorageEnvSchema.shape)
  .extend(SecretsEnvSchema.shape)
  .extend({
    SOUS_API_NODE_PORT: int(3100),
    SOUS_API_NODE_HOST: z.preprocess(emptyAsUndefined, z.string().default("0.0.0.0")),
    /** Larger request bodies are refused with 413 before they are read whole. */
    SOUS_API_NODE_MAX_BODY_BYTES: int(4 * 1024 * 1024),
    /** Rows of one predict-multi request. */
    SOUS_API_NODE_MAX_ITEMS: int(10_000),
    /** Deployments are reloaded on NOTIFY; this is the fallback when a notification was missed. */
    SOUS_API_NODE_RELOAD_SECONDS: int(60),
    /** How often per-minute counters and latencies are upserted to Postgres (ApiEndpointMinute). */
    SOUS_API_NODE_METRICS_FLUSH_SECONDS: int(10),
    /** Days the sampled request log (ApiRequestLog) is kept; older rows are deleted hourly. */
    SOUS_API_NODE_LOG_RETENTION_DAYS: int(30),
    /** Days the per-minute counters and latencies (ApiEndpointMinute) are kept. */
    SOUS_API_NODE_METRICS_RETENTION_DAYS: int(90),
  });
export type ApiNodeEnv = z.infer<typeof ApiNodeEnvSchema>;

/** Parses the environment once, at boot, or throws one readable error listing every bad variable. */
export function parseApiNodeEnv(source: Record<string, string | undefined>): ApiNodeEnv {
  const r = ApiNodeEnvSchema.safeParse(source);
  if (r.success) return r.data;
  const lines = r.error.issues.map((i) => `  ${i.path.join(".") || "(env)"}: ${i.message}`);
  throw new Error(`Invalid environment:\n${lines.join("\n")}\nSee .env.example for every variable.`);
}
