// Ctrl-C on `npm start` while a browser tab holds connections to the studio: a terminal's Ctrl-C
// sends SIGINT to the foreground process group (start.ts; its children run in groups of their
// own). Next's server waits for open keep-alive and streaming connections before it exits, so
// this once left `next-server` running. Everything start.ts started must be gone within the
// shutdown's grace (SIGTERM, then SIGKILL after a few seconds), and start.ts must exit 0.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "./lib/net.ts";
import { groupAlive, listProcesses } from "./lib/proc.ts";
import { existingStudioBuild, prepareDatabase, repoRoot } from "./lib/stack.ts";

const testDatabaseUrl = process.env.SOUS_TEST_DATABASE_URL ?? "";
const redisUrl = process.env.SOUS_TEST_REDIS_URL ?? "";

const distDir = existingStudioBuild();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!testDatabaseUrl || !redisUrl || !distDir)("Ctrl-C on npm start with a tab open", () => {
  const id = randomBytes(4).toString("hex");
  const dbName = `sous_ctrl_c_${id}`;
  const adminUrl = Object.assign(new URL(testDatabaseUrl), { pathname: "/postgres" }).toString();
  const databaseUrl = Object.assign(new URL(testDatabaseUrl), { pathname: `/${dbName}` }).toString();
  const dataDir = path.join(repoRoot, ".test-data", `ctrl-c-${id}`);
  let parent: ChildProcess;
  let output = "";
  let port = 0;
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };

  beforeAll(async () => {
    await admin(`CREATE DATABASE ${pg.escapeIdentifier(dbName)}`);
    await prepareDatabase(databaseUrl);
    port = await freePort();
    // detached: start.ts leads its own process group, as a shell's foreground job does.
    parent = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
      cwd: repoRoot,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        REDIS_URL: redisUrl,
        PORT: String(port),
        SOUS_API_NODE_PORT: String(await freePort()),
        SOUS_DATA_DIR: dataDir,
        SOUS_QUEUE_PREFIX: `sous-ctrl-c-${id}`,
        SOUS_SECRET_KEY: randomBytes(32).toString("base64"),
        SOUS_SEED_DEMO: "0",
        SOUS_DEMO_DATABRICKS: "0",
        SOUS_START_PREBUILT: distDir ?? ".next",
      },
    });
    for (const s of [parent.stdout, parent.stderr]) s?.on("data", (b) => (output += String(b)));
    const deadline = Date.now() + 150_000;
    while (!(output.includes("Sous is running at") && output.includes("[worker] ready"))) {
      if (parent.exitCode !== null) throw new Error(`start.ts exited:\n${output}`);
      if (Date.now() > deadline) throw new Error(`npm start did not come up:\n${output}`);
      await sleep(250);
    }
  }, 180_000);

  afterAll(async () => {
    if (parent?.pid && groupAlive(parent.pid)) process.kill(-parent.pid, "SIGKILL");
    await admin(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(dbName)} WITH (FORCE)`).catch(() => {});
    rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it("stops the studio, the worker and start.ts although the tab's connections stay open", async () => {
    const kids = listProcesses()
      .filter((p) => p.ppid === parent.pid)
      .map((p) => p.pid);
    const studio = kids.find((pid) => {
      try {
        return /next\/dist\/bin\/next\0start|^next-server/.test(readFileSync(`/proc/${pid}/cmdline`, "utf8"));
      } catch {
        return false;
      }
    });
    expect(studio, output).toBeDefined();
    expect(kids.length).toBeGreaterThanOrEqual(2);

    // What a tab holds: a keep-alive connection after a page load, and a response still
    // streaming (a request whose body never ends keeps the server's handler waiting).
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const status = await new Promise<number>((resolve, reject) => {
      http
        .get({ host: "127.0.0.1", port, path: "/api/v1/openapi.json", agent }, (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        })
        .on("error", reject);
    });
    expect(status).toBe(200);
    const streaming = http.request({
      host: "127.0.0.1",
      port,
      method: "POST",
      path: "/api/v1/auth/login",
      headers: { "content-type": "application/json", "content-length": "1000000" },
    });
    streaming.on("error", () => {});
    streaming.write('{"email":"');

    process.kill(-parent.pid!, "SIGINT");
    const signalledAt = Date.now();
    const exitCode = await new Promise<number | null>((resolve) => {
      if (parent.exitCode !== null) resolve(parent.exitCode);
      parent.once("exit", (code) => resolve(code));
    });
    const left = () => kids.filter((pid) => groupAlive(pid));
    while (left().length > 0 && Date.now() - signalledAt < 20_000) await sleep(100);
    const seconds = ((Date.now() - signalledAt) / 1000).toFixed(1);
    console.log(`[ctrl-c] npm start and its children gone ${seconds} s after Ctrl-C with a tab open`);
    agent.destroy();
    streaming.destroy();
    expect(exitCode).toBe(0);
    expect(left()).toEqual([]);
    // The studio's port is free again: nothing answers there.
    const answered = await new Promise<boolean>((resolve) => {
      http
        .get({ host: "127.0.0.1", port, path: "/", timeout: 2000 }, () => resolve(true))
        .on("error", () => resolve(false))
        .on("timeout", () => resolve(true));
    });
    expect(answered).toBe(false);
  }, 60_000);
});
