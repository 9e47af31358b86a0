// `npm start`'s supervision, for real: scripts/start.ts runs (its own database, queue prefix,
// port and data dir; the studio from the build npm test made), then its children are killed
// with -9 one by one (the worker mid-build, the studio, the emulator), and last start.ts itself.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { createDb, type Db } from "@sous/db";
import { LocalEngine } from "@sous/engine-local";
import { type BuildQueue, createBuildQueue, createRedisConnection } from "@sous/queue";
import { createLocalStorage } from "@sous/storage";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addRecipe,
  addSource,
  createProject,
  selfCross,
  submitBuild,
  waitFor,
  waitForJobRow,
} from "../apps/worker/test/fixture.ts";
import { canConnect, freePort } from "./lib/net.ts";
import { groupAlive, isAlive, listProcesses, procStat } from "./lib/proc.ts";
import { existingStudioBuild, prepareDatabase, repoRoot } from "./lib/stack.ts";

const testDatabaseUrl = process.env.SOUS_TEST_DATABASE_URL ?? "";
const redisUrl = process.env.SOUS_TEST_REDIS_URL ?? "";

const distDir = existingStudioBuild();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const health = (url: string) =>
  fetch(`${url}/api/v1/openapi.json`, { signal: AbortSignal.timeout(3000) }).then(
    (r) => r.status,
    () => 0,
  );

describe.skipIf(!testDatabaseUrl || !redisUrl || !distDir)("npm start supervises what it starts", () => {
  const id = randomBytes(4).toString("hex");
  const dbName = `sous_supervise_${id}`;
  const adminUrl = Object.assign(new URL(testDatabaseUrl), { pathname: "/postgres" }).toString();
  const databaseUrl = Object.assign(new URL(testDatabaseUrl), { pathname: `/${dbName}` }).toString();
  const dataDir = path.join(repoRoot, ".test-data", `supervise-${id}`);
  const prefix = `sous-supervise-${id}`;
  let db: Db;
  let engine: LocalEngine;
  let queue: BuildQueue;
  let parent: ChildProcess;
  let output = "";
  let url = "";
  /** Every child start.ts ever had, with its process group (= its pid). */
  const seen = new Set<number>();

  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };

  /** start.ts's children right now, by role. */
  function children(): Record<"studio" | "worker" | "emulator", number | undefined> {
    const kids = listProcesses().filter((p) => p.ppid === parent.pid);
    const find = (re: RegExp) =>
      kids.find((k) => {
        try {
          return re.test(readFileSync(`/proc/${k.pid}/cmdline`, "utf8"));
        } catch {
          return false;
        }
      })?.pid;
    const r = {
      // Next renames its process ("next-server (v16...)"), which rewrites /proc/<pid>/cmdline.
      studio: find(/next\/dist\/bin\/next\0start|^next-server/),
      worker: find(/src\/main\.ts/),
      emulator: find(/emulator-process\.ts/),
    };
    for (const pid of Object.values(r)) if (pid) seen.add(pid);
    return r;
  }
  const child = (role: "studio" | "worker" | "emulator") =>
    waitFor(role, async () => children()[role], 60_000);

  beforeAll(async () => {
    await admin(`CREATE DATABASE ${pg.escapeIdentifier(dbName)}`);
    await prepareDatabase(databaseUrl);
    db = createDb({ databaseUrl });
    engine = await LocalEngine.create({ allowedDirectories: [dataDir] });
    queue = createBuildQueue({ connection: createRedisConnection(redisUrl), prefix });
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    // node with tsx as a loader: the pid is start.ts's own, the one SIGKILLed below.
    parent = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
      cwd: repoRoot,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        REDIS_URL: redisUrl,
        PORT: String(port),
        SOUS_API_NODE_PORT: String(await freePort()),
        SOUS_DATA_DIR: dataDir,
        SOUS_QUEUE_PREFIX: prefix,
        SOUS_SECRET_KEY: randomBytes(32).toString("base64"),
        SOUS_SEED_DEMO: "0",
        SOUS_START_PREBUILT: distDir ?? ".next",
      },
    });
    parent.stdout?.on("data", (b) => {
      output += String(b);
    });
    parent.stderr?.on("data", (b) => {
      output += String(b);
    });
    await waitFor(
      "npm start to be up",
      async () => {
        if (parent.exitCode !== null) throw new Error(`start.ts exited:\n${output}`);
        return output.includes("Sous is running at") && output.includes("[worker] ready");
      },
      120_000,
    ).catch((e: Error) => {
      throw new Error(`${e.message}\n${output}`);
    });
    await child("emulator");
  }, 180_000);

  afterAll(async () => {
    if (parent && parent.exitCode === null && parent.signalCode === null) parent.kill("SIGKILL");
    for (const pid of seen) if (groupAlive(pid)) process.kill(-pid, "SIGKILL");
    await queue?.obliterate({ force: true }).catch(() => {});
    await queue?.close();
    await db?.$disconnect();
    engine?.close();
    await admin(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(dbName)} WITH (FORCE)`).catch(() => {});
    rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it("kill -9 of the worker mid-build: the studio keeps serving, the job is done within 30 s", async () => {
    const ctx = { db, engine, storage: createLocalStorage({ root: path.join(dataDir, "storage") }) };
    const projectId = await createProject(db, "SUP");
    // 9 million rows: a few seconds to write, long enough to be killed in the middle.
    const big = await addSource(ctx, projectId, "big", "i AS id, i * 2 AS v", 3000);
    const slow = await addRecipe(db, projectId, {
      name: "slow",
      spec: selfCross,
      inputs: [big, big],
      output: "out",
    });
    const worker = await child("worker");
    const { jobId } = await submitBuild(db, queue, projectId, [slow.outputId], "build-only-this");
    await waitFor(
      "the worker to start writing",
      () => db.jobActivity.findFirst({ where: { jobId, stagingPrefix: { not: null } } }),
      60_000,
    );
    await sleep(300);
    process.kill(worker, "SIGKILL");
    const killedAt = Date.now();

    // The studio answers all along.
    const statuses: number[] = [];
    let done = false;
    const probing = (async () => {
      while (!done) {
        statuses.push(await health(url));
        await sleep(250);
      }
    })();
    try {
      await waitFor("the restart line", async () =>
        output.includes("[sous] worker exited (signal SIGKILL); restarting in 1 s (restart 1)"),
      );
      const job = await waitForJobRow(db, jobId, 30_000 - (Date.now() - killedAt)).catch(async (e: Error) => {
        // Where the time went, counted from the kill.
        const logs = await db.jobLog.findMany({ where: { jobId }, orderBy: { at: "asc" } });
        const lines = logs.map((l) => `  +${((l.at.getTime() - killedAt) / 1000).toFixed(1)} s ${l.message}`);
        throw new Error(`${e.message}\n${lines.join("\n")}\n${output}`);
      });
      const resumedIn = Date.now() - killedAt;
      console.log(`[supervise] job done ${(resumedIn / 1000).toFixed(1)} s after kill -9 of its worker`);
      expect(job.state).toBe("SUCCEEDED");
      expect(job.activities[0]?.attempts).toBe(2);
      expect(await db.datasetVersion.count({ where: { datasetId: slow.outputId } })).toBe(1);
      expect(resumedIn).toBeLessThan(30_000);
    } finally {
      done = true;
      await probing;
    }
    expect(statuses.length).toBeGreaterThan(4);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    const again = await child("worker");
    expect(again).not.toBe(worker);
  }, 120_000);

  it("kill -9 of the studio: it is restarted and answers again", async () => {
    const studio = await child("studio");
    process.kill(studio, "SIGKILL");
    const killedAt = Date.now();
    await waitFor("the restart line", async () => output.includes("[sous] studio exited (signal SIGKILL)"));
    await waitFor("the studio to answer", async () => (await health(url)) === 200, 60_000);
    console.log(`[supervise] studio answers ${((Date.now() - killedAt) / 1000).toFixed(1)} s after kill -9`);
    expect(await child("studio")).not.toBe(studio);
  }, 90_000);

  it("kill -9 of the emulator: it is restarted on the same port", async () => {
    const emulator = await child("emulator");
    const port = Number(
      /"Databricks \(local emulator\)" is at http:\/\/127\.0\.0\.1:(\d+)/.exec(output)?.[1],
    );
    expect(port).toBeGreaterThan(0);
    process.kill(emulator, "SIGKILL");
    const killedAt = Date.now();
    await waitFor("the restart line", async () => output.includes("[sous] emulator exited (signal SIGKILL)"));
    await waitFor("the emulator to listen", () => canConnect("127.0.0.1", port, 500), 60_000);
    console.log(
      `[supervise] emulator listens ${((Date.now() - killedAt) / 1000).toFixed(1)} s after kill -9`,
    );
    expect(await child("emulator")).not.toBe(emulator);
  }, 90_000);

  it("kill -9 of npm start itself: within 5 s none of its children is left, none spinning", async () => {
    const kids = Object.values(children()).filter((p): p is number => p !== undefined);
    expect(kids).toHaveLength(3);
    const cpuAtKill = new Map(kids.map((p) => [p, procStat(p)?.cpuTicks ?? 0]));
    parent.kill("SIGKILL");
    const killedAt = Date.now();
    let left = kids;
    while (left.length && Date.now() - killedAt < 5000) {
      await sleep(100);
      left = kids.filter((p) => isAlive(p) || groupAlive(p));
    }
    console.log(
      `[supervise] children gone ${((Date.now() - killedAt) / 1000).toFixed(1)} s after kill -9 of start.ts`,
    );
    const spinning = left.map((p) => ({
      pid: p,
      cpuTicks: (procStat(p)?.cpuTicks ?? 0) - (cpuAtKill.get(p) ?? 0),
    }));
    expect(spinning).toEqual([]);
    // Nor anything any child ever started (its process group).
    expect([...seen].filter((p) => groupAlive(p))).toEqual([]);
  }, 30_000);
});
