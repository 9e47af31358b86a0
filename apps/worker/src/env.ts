import { parseServerEnv, type ServerEnv } from "@sous/config";
import { z } from "zod";

const emptyAsUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const int = (def: number) => z.preprocess(emptyAsUndefined, z.coerce.number().int().positive().default(def));

/** Settings only the worker reads (documented in .env.example next to the shared ones). */
const WorkerEnvSchema = z.object({
  /** Activities of one job that run side by side (independent branches of the flow). */
  SOUS_BUILD_PARALLELISM: int(2),
  /** An activity running longer than this is interrupted and fails. */
  SOUS_ACTIVITY_TIMEOUT_SECONDS: int(3600),
  /** A job whose worker stops renewing its lock this long is "stalled" and redelivered. */
  SOUS_WORKER_LOCK_MS: int(30_000),
  SOUS_WORKER_STALLED_INTERVAL_MS: int(15_000),
  /** Redeliveries of a stalled job before it fails ("the worker stopped N times"). */
  SOUS_WORKER_MAX_STALLED: int(2),
  /** Lease on a dataset being built; renewed at a third of it, taken over once expired. */
  SOUS_DATASET_LEASE_MS: int(30_000),
  /** How often the worker re-enqueues jobs Postgres says are pending but Redis lost. */
  SOUS_RECONCILE_INTERVAL_MS: int(10_000),
  /** On SIGTERM, running jobs get this long to finish; then they are interrupted (and retried). */
  SOUS_WORKER_SHUTDOWN_GRACE_SECONDS: int(10),
});
export type WorkerEnv = ServerEnv & z.infer<typeof WorkerEnvSchema>;

function parseWorkerEnv(source: Record<string, string | undefined>): WorkerEnv {
  const server = parseServerEnv(source);
  const r = WorkerEnvSchema.safeParse(source);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join("\n")}\nSee .env.example for every variable.`);
  }
  return { ...server, ...r.data };
}

/** The worker's environment, parsed once at boot; nothing else reads process.env. */
export const env: WorkerEnv = parseWorkerEnv(process.env);
