import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createWriteStream } from "node:fs";
import path from "node:path";
import { ensureDatabase, migrateDatabase } from "@sous/db/migrate";
import { waitForHttp } from "./net.ts";
import { stopChild } from "./services.ts";

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
  studio: ChildProcess;
  worker: ChildProcess;
  stop(): Promise<void>;
}

/** Starts the built studio and the worker with `env`, and waits until the studio answers. */
export async function startStack(opts: {
  env: Record<string, string>;
  port: number;
  quiet?: boolean;
  /** Also copies everything studio and worker print (stdout and stderr) to this file. */
  logFile?: string;
  /** The build folder `buildStudio(distDir)` wrote. */
  distDir?: string;
}): Promise<RunningStack> {
  const env = {
    ...process.env,
    ...opts.env,
    SOUS_NEXT_DIST_DIR: opts.distDir ?? ".next",
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
  };
  const log = opts.logFile ? createWriteStream(opts.logFile, { flags: "a" }) : null;
  const spawnApp = (name: string, args: string[], cwd: string) => {
    const child = spawn("pnpm", args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout?.on("data", (chunk: Buffer) => {
      log?.write(chunk);
      if (!opts.quiet) process.stdout.write(chunk);
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      log?.write(chunk);
      process.stderr.write(chunk);
    });
    child.on("error", (e) => process.stderr.write(`[${name}] ${e.message}\n`));
    return child;
  };
  const studio = spawnApp(
    "studio",
    ["exec", "next", "start", "-p", String(opts.port), "-H", "127.0.0.1"],
    path.join(repoRoot, "apps/studio"),
  );
  const worker = spawnApp("worker", ["exec", "tsx", "src/main.ts"], path.join(repoRoot, "apps/worker"));
  const url = `http://127.0.0.1:${opts.port}`;
  const stop = async () => {
    await Promise.all([stopChild(studio), stopChild(worker)]);
    // Flushed before stop() returns: npm test reads the log right after.
    if (log) await new Promise<void>((resolve) => log.end(resolve));
  };
  try {
    await waitForHttp(
      `${url}/api/v1/openapi.json`,
      60_000,
      () => studio.exitCode === null && worker.exitCode === null,
    );
  } catch (e) {
    await stop();
    throw e;
  }
  return { url, studio, worker, stop };
}
