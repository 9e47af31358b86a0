// `npm test`: lint, typecheck, dependency direction, then unit, integration and e2e tests against
// real services. Installs or starts what they need, uses its own database, cleans up, and ends
// with the line CI reads: "N passed, N failed, N skipped".
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { freePort } from "./lib/net.ts";
import { deleteRedisPrefix, ensureRedis } from "./lib/services.ts";
import { buildStudio, prepareDatabase, type RunningStack, repoRoot, startStack } from "./lib/stack.ts";
import { scanForTokens } from "./lib/token-scan.ts";

const log = (m: string) => console.log(`\n[test] ${m}`);
let passed = 0;
let failed = 0;
let skipped = 0;

function step(name: string, cmd: string, args: string[], env: Record<string, string> = {}): boolean {
  log(name);
  const r = spawnSync(cmd, args, { cwd: repoRoot, stdio: "inherit", env: { ...process.env, ...env } });
  if (r.status === 0) passed++;
  else {
    failed++;
    console.error(`[test] FAILED: ${name}`);
  }
  return r.status === 0;
}

function ensureChromium(): void {
  if (existsSync("/usr/bin/chromium")) return;
  if (process.getuid?.() !== 0) {
    console.warn(
      "[test] /usr/bin/chromium is missing and this is not root: install the chromium package for e2e tests",
    );
    return;
  }
  log("installing chromium (apt-get)");
  spawnSync("apt-get", ["update", "-qq"], { stdio: "inherit" });
  spawnSync("apt-get", ["install", "-y", "-qq", "chromium"], {
    stdio: "inherit",
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
}

async function recreateDatabase(adminUrl: string, name: string): Promise<string> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  await c.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
  await c.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  await c.end();
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  await c.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`).catch(() => {});
  await c.end();
}

const dataDir = path.join(repoRoot, ".test-data");
const stackLog = path.join(dataDir, "stack.log");
rmSync(dataDir, { recursive: true, force: true });
mkdirSync(dataDir, { recursive: true });
ensureChromium();

step("lint (biome, zero warnings)", "pnpm", ["exec", "biome", "ci", "--error-on-warnings", "."]);
step(
  "typecheck (every package and app)",
  "pnpm",
  ["exec", "turbo", "run", "typecheck", "--output-logs=errors-only"],
  {
    TURBO_TELEMETRY_DISABLED: "1",
  },
);
step("typecheck (scripts, bench)", "pnpm", ["exec", "tsc", "-p", "tsconfig.json"]);
step("dependency direction", "node", ["scripts/check-deps.mjs"]);
// Real Apache Spark (the venv's pyspark) is the oracle: fails on any unflagged Spark-vs-DuckDB
// difference or a recorded expectation Spark disagrees with, and when Spark cannot start although
// the venv exists.
if (existsSync(path.join(repoRoot, ".venv", ".sous-requirements.sha256"))) {
  step("conformance on real Spark (npm run conformance)", "pnpm", [
    "exec",
    "tsx",
    "scripts/conformance/main.ts",
    "--quiet",
    "--strict",
  ]);
} else {
  skipped++;
  log("conformance skipped: no Python environment (.venv); the bootstrap said what to install");
}

let stack: RunningStack | undefined;
let testDbName: string | undefined;
let queue: { url: string; prefix: string } | undefined;
const stopRedis: (() => Promise<void>)[] = [];
try {
  const adminUrl =
    process.env.SOUS_TEST_ADMIN_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
  // A database per run, so two checkouts (or CI and a developer) can test on one machine.
  testDbName = `sous_test_${process.pid}`;
  const databaseUrl = await recreateDatabase(adminUrl, testDbName);
  await prepareDatabase(databaseUrl);
  const redis = await ensureRedis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", dataDir, (m) => log(m));
  stopRedis.push(redis.stop);
  const env = {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redis.url,
    // A queue prefix of its own: a studio running on this machine never sees test jobs.
    SOUS_QUEUE_PREFIX: `sous-test-${randomBytes(4).toString("hex")}`,
    SOUS_DATA_DIR: path.join(dataDir, "stack"),
    SOUS_SECRET_KEY: randomBytes(32).toString("base64"),
    SOUS_UPLOAD_MAX_BYTES: String(2 * 1024 * 1024),
    SOUS_SEED_DEMO: "0",
  };
  queue = { url: redis.url, prefix: env.SOUS_QUEUE_PREFIX };
  log("building the studio");
  buildStudio(".next-test");
  log("starting studio and worker for integration and e2e tests");
  rmSync(stackLog, { force: true });
  stack = await startStack({
    env,
    port: await freePort(),
    apiNodePort: await freePort(),
    quiet: true,
    distDir: ".next-test",
    logFile: stackLog,
  });
  const adminUser = {
    email: "admin@sous.test",
    name: "Test Admin",
    password: randomBytes(12).toString("base64url"),
  };
  const setup = await fetch(`${stack.url}/api/v1/auth/setup`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(adminUser),
  });
  if (setup.status !== 201) throw new Error(`admin setup failed: ${setup.status} ${await setup.text()}`);

  const report = path.join(dataDir, "vitest.json");
  log("vitest: unit, integration, e2e");
  const vitest = spawnSync(
    "pnpm",
    ["exec", "vitest", "run", "--reporter=default", "--reporter=json", `--outputFile=${report}`],
    {
      cwd: repoRoot,
      stdio: "inherit",
      env: {
        ...process.env,
        SOUS_TEST_DATABASE_URL: databaseUrl,
        SOUS_TEST_REDIS_URL: redis.url,
        SOUS_TEST_STUDIO_URL: stack.url,
        SOUS_TEST_API_NODE_URL: stack.apiNodeUrl,
        // The build the stack runs, for tests that start a studio of their own.
        SOUS_TEST_NEXT_DIST_DIR: ".next-test",
        SOUS_TEST_STACK_DATA_DIR: env.SOUS_DATA_DIR,
        SOUS_TEST_QUEUE_PREFIX: env.SOUS_QUEUE_PREFIX,
        SOUS_TEST_ADMIN_EMAIL: adminUser.email,
        SOUS_TEST_ADMIN_PASSWORD: adminUser.password,
        // Screenshots only when the caller sets SOUS_TEST_OUTPUT_DIR (see apps/studio/e2e/browser.ts).
      },
    },
  );
  if (existsSync(report)) {
    const r = JSON.parse(readFileSync(report, "utf8")) as {
      numPassedTests: number;
      numFailedTests: number;
      numPendingTests: number;
      numTodoTests: number;
      numFailedTestSuites: number;
    };
    passed += r.numPassedTests;
    // A file that fails to load, or a test worker that crashes (an unhandled error), has no
    // failed test but must still fail the run: vitest's exit code says so.
    const unaccounted =
      r.numFailedTests === 0 ? Math.max(r.numFailedTestSuites, vitest.status === 0 ? 0 : 1) : 0;
    failed += r.numFailedTests + unaccounted;
    skipped += r.numPendingTests + r.numTodoTests;
  } else {
    failed++;
    console.error("[test] vitest wrote no report");
  }
} catch (e) {
  failed++;
  console.error(`[test] could not run the tests: ${(e as Error).stack}`);
} finally {
  await stack?.stop();
  if (stack) {
    // The tests hand Databricks tokens (dapi...) to the studio and the worker: none may reach
    // what either of them printed, whichever test sent it.
    const leaks = scanForTokens(readFileSync(stackLog, "utf8"));
    if (leaks.length === 0) {
      passed++;
      log("the studio's and worker's console output holds no Databricks token");
    } else {
      failed++;
      console.error(`[test] a Databricks token was printed by the studio or worker:\n${leaks.join("\n")}`);
    }
  }
  if (queue) await deleteRedisPrefix(queue.url, queue.prefix).catch(() => 0);
  for (const stop of stopRedis) await stop();
  if (testDbName)
    await dropDatabase(
      process.env.SOUS_TEST_ADMIN_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres",
      testDbName,
    );
}

console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed === 0 ? 0 : 1);
