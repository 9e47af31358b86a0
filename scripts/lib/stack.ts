import { spawnSync } from "node:child_process";
import { createWriteStream, existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { ensureDatabase, migrateDatabase } from "@sous/db/migrate";
import { waitForHttp } from "./net.ts";
import { childGuardArgs, type Supervisor, supervise, write } from "./supervisor.ts";

export const repoRoot = path.resolve(import.meta.dirname, "../..");

/** Creates the database if missing and applies pending migrations. */
export async function prepareDatabase(databaseUrl: string): Promise<string[]> {
  // PGlite serves a single database, "postgres", which always exists.
  if (!databaseUrl.endsWith("/postgres")) await ensureDatabase(databaseUrl);
  const r = await migrateDatabase({
    databaseUrl,
    schemaPath: path.join(repoRoot, "prisma/schema.prisma"),
    migrationsDir: path.join(repoRoot, "prisma/migrations"),
  });
  return r.applied;
}

/** Builds the studio through turbo, whose cache makes an unchanged rebuild instant. */
/**
 * `distDir` lets several stacks (npm test, scripts/test-stack.ts, npm start) build side by side
 * without overwriting each other's `.next`.
 */
/**
 * The studio build a test can start from: npm test's (SOUS_TEST_NEXT_DIST_DIR), else the newest
 * complete one under apps/studio (building one takes minutes), else undefined.
 */
export function existingStudioBuild(): string | undefined {
  if (process.env.SOUS_TEST_NEXT_DIST_DIR) return process.env.SOUS_TEST_NEXT_DIST_DIR;
  const studioDir = path.join(repoRoot, "apps/studio");
  if (!existsSync(studioDir)) return undefined;
  return readdirSync(studioDir)
    .filter((d) => d.startsWith(".next") && existsSync(path.join(studioDir, d, "BUILD_ID")))
    .map((d) => ({ d, at: statSync(path.join(studioDir, d, "BUILD_ID")).mtimeMs }))
    .sort((a, b) => b.at - a.at)[0]?.d;
}

export function buildStudio(distDir = ".next"): void {
  const r = spawnSync(
    "pnpm",
    ["exec", "turbo", "run", "build", "--filter=@sous/studio", "--output-logs=errors-only"],
    {
      cwd: repoRoot,
      stdio: "inherit",
      env: {
        ...process.env,
        SOUS_NEXT_DIST_DIR: distDir,
        TURBO_TELEMETRY_DISABLED: "1",
        NEXT_TELEMETRY_DISABLED: "1",
      },
    },
  );
  if (r.status !== 0) throw new Error("next build failed (see above)");
}

export interface RunningStack {
  url: string;
  /** `next start`, restarted when it crashes (see scripts/lib/supervisor.ts). */
  studio: Supervisor;
  /** The BullMQ worker, restarted when it crashes. */
  worker: Supervisor;
  /** The API node (apps/api-node), serving deployed models, restarted when it crashes. */
  apiNode: Supervisor;
  /** Where the API node answers. */
  apiNodeUrl: string;
  stop(): Promise<void>;
}

/**
 * Settings `npm start` gives the worker unless .env or the environment set them: a worker killed
 * mid-build (then restarted by its supervisor) has its job picked up again within seconds, not
 * the 30-45 s of the defaults (lock 30 s + a stalled check every 15 s; dataset lease 30 s).
 */
export const quickRecoveryEnv: Readonly<Record<string, string>> = {
  SOUS_WORKER_LOCK_MS: "10000",
  SOUS_WORKER_STALLED_INTERVAL_MS: "5000",
  SOUS_DATASET_LEASE_MS: "10000",
};

/**
 * Starts the built studio and the worker with `env`, each supervised (restarted with backoff when
 * it crashes, see scripts/lib/supervisor.ts), and waits until the studio answers.
 */
export async function startStack(opts: {
  env: Record<string, string>;
  port: number;
  quiet?: boolean;
  /** Also copies everything studio and worker print (stdout and stderr) to this file. */
  logFile?: string;
  /** The build folder `buildStudio(distDir)` wrote. */
  distDir?: string;
  /** The supervisor's lines ("worker exited ...; restarting in 1 s"); default "[sous] ..." on stdout. */
  log?: (message: string) => void;
  /** The API node's port: npm start's SOUS_API_NODE_PORT (3100), a free one for test stacks. */
  apiNodePort: number;
}): Promise<RunningStack> {
  const apiNodeUrl = `http://127.0.0.1:${opts.apiNodePort}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // The studio reaches the node here (counters, test form) unless .env says otherwise.
    SOUS_API_NODE_URL: apiNodeUrl,
    ...opts.env,
    SOUS_API_NODE_PORT: String(opts.apiNodePort),
    SOUS_NEXT_DIST_DIR: opts.distDir ?? ".next",
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
  };
  const logFile = opts.logFile ? createWriteStream(opts.logFile, { flags: "a" }) : null;
  const say = (m: string) => {
    logFile?.write(`[sous] ${m}\n`);
    if (opts.log) opts.log(m);
    else write(process.stdout, `[sous] ${m}\n`);
  };
  const output = (chunk: Buffer, stream: "stdout" | "stderr") => {
    logFile?.write(chunk);
    if (stream === "stderr") write(process.stderr, chunk);
    else if (!opts.quiet) write(process.stdout, chunk);
  };
  // node itself (not `pnpm exec`, which would run it in a grandchild): the pid the supervisor
  // watches and signals is the server's own, and child-guard.mjs can see its parent die.
  const studio = supervise({
    name: "studio",
    command: process.execPath,
    args: [
      ...childGuardArgs,
      path.join(repoRoot, "apps/studio/node_modules/next/dist/bin/next"),
      "start",
      "-p",
      String(opts.port),
      "-H",
      "127.0.0.1",
    ],
    cwd: path.join(repoRoot, "apps/studio"),
    env,
    log: say,
    output,
  });
  const worker = supervise({
    name: "worker",
    command: process.execPath,
    args: [...childGuardArgs, "--import", "tsx", "src/main.ts"],
    cwd: path.join(repoRoot, "apps/worker"),
    env,
    log: say,
    output,
    // On SIGTERM the worker gives running jobs their grace period before it exits.
    stopTimeoutMs: (Number(env.SOUS_WORKER_SHUTDOWN_GRACE_SECONDS) || 10) * 1000 + 5000,
  });
  const apiNode = supervise({
    name: "api-node",
    command: process.execPath,
    args: [...childGuardArgs, "--import", "tsx", "src/main.ts"],
    cwd: path.join(repoRoot, "apps/api-node"),
    env,
    log: say,
    output,
  });
  const url = `http://127.0.0.1:${opts.port}`;
  const stop = async () => {
    await Promise.all([studio.stop(), worker.stop(), apiNode.stop()]);
    // Flushed before stop() returns: npm test reads the log right after.
    if (logFile) await new Promise<void>((resolve) => logFile.end(resolve));
  };
  try {
    // A process that dies while the stack starts is a broken setup, not a crash to ride out.
    const alive = () => studio.restarts === 0 && worker.restarts === 0 && apiNode.restarts === 0;
    await waitForHttp(`${url}/api/v1/openapi.json`, 60_000, alive);
    await waitForHttp(`${apiNodeUrl}/ready`, 60_000, alive);
  } catch (e) {
    await stop();
    throw e;
  }
  return { url, studio, worker, apiNode, apiNodeUrl, stop };
}
