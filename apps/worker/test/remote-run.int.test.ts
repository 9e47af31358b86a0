// A flow whose project runs on Databricks, built by the worker end to end: the emulator mounts
// the installation's own storage (no upload, no copy back), the connection's token is sealed in
// Postgres, and the 3-recipe chain runs as ONE remote statement. Its output must equal the same
// flow built locally, and the token must appear nowhere the worker writes. Then the faults, with
// real TCP peers: a workspace that never answers (REST, or only its SQL endpoint) is cancelled
// within 5 s and cannot hold a worker shutdown; a closed port fails fast as "unreachable".
import { randomBytes } from "node:crypto";
import path from "node:path";
import { createSecretBox } from "@sous/config";
import type { RecipeSpec } from "@sous/contracts";
import { connectionSecretContext, createClusterLoad } from "@sous/databricks";
import {
  closedPort,
  type FaultProxy,
  type HangingServer,
  startFaultProxy,
  startHangingServer,
} from "@sous/databricks/test/fault-servers";
import {
  type DatabricksEmulator,
  queryLocalDuckDb,
  startDatabricksEmulator,
} from "@sous/databricks-emulator";
import { type BuildQueue, createBuildQueue, createRedisConnection } from "@sous/queue";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WorkerContext } from "../src/context.ts";
import { defaultBuildSettings } from "../src/jobs/build/settings.ts";
import { closeWorkers, registerWorkers } from "../src/registry.ts";
import {
  addDatabricksConnection,
  addRecipe,
  addSource,
  closeTestContext,
  createProject,
  createTestContext,
  hasServices,
  redisUrl,
  startTestWorkers,
  submitBuild,
  type TestWorkers,
  waitFor,
  waitForJobRow,
} from "./fixture.ts";

const TOKEN = `dapi${randomBytes(12).toString("hex")}`;
const KEY = randomBytes(32).toString("base64");

const positive = {
  kind: "filter",
  version: 1,
  params: { filter: { combine: "and", rules: [{ column: "qty", op: "gt", value: 0 }] } },
} as RecipeSpec;
const byRegion = {
  kind: "group",
  version: 1,
  params: {
    keys: ["region", "product"],
    aggregations: [
      { column: "qty", fn: "sum", as: "qty_total" },
      { column: "price", fn: "max", as: "price_max" },
    ],
  },
} as RecipeSpec;
const renamed = {
  kind: "sync",
  version: 1,
  params: {
    columns: [
      { column: "region", as: "area" },
      { column: "product" },
      { column: "qty_total" },
      { column: "price_max" },
    ],
  },
} as RecipeSpec;

describe.skipIf(!hasServices)("remote runs (worker on the Databricks emulator)", () => {
  let ctx: WorkerContext & { dataDir: string };
  let queue: BuildQueue;
  let workers: TestWorkers | undefined;
  let emu: DatabricksEmulator;
  const prefix = `sous-wremote-${randomBytes(4).toString("hex")}`;
  // For the shutdown test's own queue and worker.
  const connections = [createRedisConnection(redisUrl), createRedisConnection(redisUrl)];
  const faultConnections: string[] = [];
  let hanging: HangingServer;
  let proxy: FaultProxy;
  const connectionId = `dbxworker${randomBytes(6).toString("hex")}`;
  let profileId = "";

  beforeAll(async () => {
    ctx = await createTestContext("remote");
    ctx.remote = { secretBox: createSecretBox(KEY), load: createClusterLoad() };
    emu = await startDatabricksEmulator({
      token: TOKEN,
      mounts: { "dbfs:/mnt/sous": path.join(ctx.dataDir, "storage") },
      clusterStartDelayMs: 200,
    });
    const secret = ctx.remote.secretBox.seal(
      JSON.stringify({ token: TOKEN }),
      connectionSecretContext(connectionId),
    );
    ({ profileId } = await addDatabricksConnection(ctx.db, {
      id: connectionId,
      workspaceUrl: emu.url,
      secret,
      tokenLast4: TOKEN.slice(-4),
    }));
    hanging = await startHangingServer();
    proxy = await startFaultProxy(emu);
    workers = startTestWorkers(ctx, {
      prefix,
      concurrency: 2,
      build: { parallelism: 2, activityTimeoutMs: 60_000, cancelPollMs: 100 },
    });
    queue = workers.queue;
  });

  afterAll(async () => {
    // Jobs still waiting on the silent peers are interrupted rather than waited for.
    await workers?.close(0);
    for (const c of connections) c.disconnect();
    await hanging?.close();
    await proxy?.kill();
    await ctx?.db.connection.deleteMany({ where: { id: { in: [connectionId, ...faultConnections] } } });
    await emu?.stop();
    await closeTestContext(ctx);
  });

  /** orders -> positive -> by_region -> renamed, on the given engine (null = local). */
  async function chain(engine: { kind: "databricks"; connectionId: string; profileId: string } | null) {
    const projectId = await createProject(ctx.db, engine ? "DBX" : "LOC");
    if (engine) await ctx.db.project.update({ where: { id: projectId }, data: { engine } });
    const orders = await addSource(
      ctx,
      projectId,
      "orders",
      `['north','south','east','west'][1 + (i % 4)] AS region, 'p' || CAST(i % 7 AS VARCHAR) AS product,
       CAST((i * 7919) % 11 - 2 AS INTEGER) AS qty, CAST(((i * 104729) % 1000) / 10.0 AS DOUBLE) AS price`,
      300,
    );
    const a = await addRecipe(ctx.db, projectId, {
      name: "positive",
      spec: positive,
      inputs: [orders],
      output: "a",
    });
    const b = await addRecipe(ctx.db, projectId, {
      name: "by_region",
      spec: byRegion,
      inputs: [a.outputId],
      output: "b",
    });
    const c = await addRecipe(ctx.db, projectId, {
      name: "renamed",
      spec: renamed,
      inputs: [b.outputId],
      output: "c",
    });
    const { jobId, activities } = await submitBuild(ctx.db, queue, projectId, [c.outputId], "smart");
    expect(activities).toBe(1);
    // The first build starts the cluster, and with it Spark (a cold start when the run has none yet).
    const job = await waitForJobRow(ctx.db, jobId, 170_000);
    const out = await ctx.db.dataset.findUniqueOrThrow({
      where: { id: c.outputId },
      include: { currentVersion: true },
    });
    const version = out.currentVersion ? await ctx.storage.acquire(out.currentVersion.prefix) : undefined;
    const rows = version
      ? await queryLocalDuckDb(
          `SELECT * FROM read_parquet('${version.dir}/*.parquet') ORDER BY area, product`,
        ).finally(() => version.release())
      : [];
    return { job, out, rows };
  }

  /** A connection (token sealed like the studio does) with one profile, on the given workspace URL. */
  async function connectionTo(workspaceUrl: string) {
    const id = `dbxfault${randomBytes(6).toString("hex")}`;
    faultConnections.push(id);
    const secret = ctx.remote!.secretBox.seal(JSON.stringify({ token: TOKEN }), connectionSecretContext(id));
    return addDatabricksConnection(ctx.db, { id, workspaceUrl, secret, tokenLast4: TOKEN.slice(-4) });
  }

  /** orders -> positive on the given Databricks engine, submitted to `q`; returns the job id. */
  async function submitOneRecipe(
    engine: { kind: "databricks"; connectionId: string; profileId: string },
    q: BuildQueue = queue,
  ) {
    const projectId = await createProject(ctx.db, "DBF");
    await ctx.db.project.update({ where: { id: projectId }, data: { engine } });
    const orders = await addSource(ctx, projectId, "orders", "i AS id, CAST(i % 5 AS INTEGER) AS qty", 50);
    const a = await addRecipe(ctx.db, projectId, {
      name: "positive",
      spec: positive,
      inputs: [orders],
      output: "a",
    });
    const { jobId } = await submitBuild(ctx.db, q, projectId, [a.outputId], "build-only-this");
    return { jobId, outputId: a.outputId };
  }

  /** Presses Cancel (what the studio's cancelJob writes) and measures until the row is CANCELLED. */
  async function cancelAndTime(jobId: string) {
    const t0 = performance.now();
    await ctx.db.job.updateMany({
      where: { id: jobId, cancelRequestedAt: null },
      data: { cancelRequestedAt: new Date() },
    });
    const job = await waitForJobRow(ctx.db, jobId, 20_000);
    return { job, ms: performance.now() - t0 };
  }

  it("builds a 3-recipe pipeline on the cluster as one statement, equal to the local build", {
    timeout: 180_000,
  }, async () => {
    const remote = await chain({ kind: "databricks", connectionId, profileId });
    const logs = await ctx.db.jobLog.findMany({ where: { jobId: remote.job.id }, orderBy: { id: "asc" } });
    const logText = logs.map((l) => l.message).join("\n");
    expect(remote.job.state, `${remote.job.error}\n${logText}`).toBe("SUCCEEDED");
    const [act] = remote.job.activities;
    expect(act?.recipeIds).toHaveLength(3);
    expect(act?.engine).toBe(`databricks:${connectionId}:${profileId}`);
    const info = act?.remote as { clusterId?: string; statements?: number; connectionId?: string } | null;
    expect(info?.clusterId).toMatch(/\S/);
    expect(info).toMatchObject({ connectionId, statements: 2 });
    expect(act?.sparkSql).toMatch(/INSERT OVERWRITE DIRECTORY 'dbfs:\/mnt\/sous\//);
    expect(act?.duckdbSql).toBeNull();
    // One write statement for the whole pipeline.
    expect(emu.statements.filter((s) => /INSERT OVERWRITE DIRECTORY/i.test(s))).toHaveLength(1);
    expect(logText).toMatch(/on Databricks/);
    // Where the time went: the run on the workspace is a phase of its own, not "DB writes" (the
    // summary may follow the job's end by a moment).
    let spent: string | undefined;
    for (let i = 0; i < 100 && !spent; i++) {
      spent = (await ctx.db.jobLog.findMany({ where: { jobId: remote.job.id } }))
        .map((l) => l.message)
        .find((m) => m.startsWith("Time spent"));
      if (!spent) await new Promise((r) => setTimeout(r, 50));
    }
    const onCluster = Number(
      /on Databricks \(cluster, copies, statements\) ([\d.]+) ms/.exec(spent ?? "")?.[1],
    );
    const dbWrites = Number(/leases and DB writes ([\d.]+) ms/.exec(spent ?? "")?.[1]);
    expect(onCluster, spent).toBeGreaterThan(dbWrites);

    const local = await chain(null);
    expect(local.job.state).toBe("SUCCEEDED");
    expect(remote.rows.length).toBeGreaterThan(0);
    expect(remote.rows).toEqual(local.rows);
    expect(Number(act?.rowsWritten)).toBe(local.rows.length);
    expect(remote.out.currentVersion?.schema).toEqual(local.out.currentVersion?.schema);

    // The token is nowhere the worker wrote.
    const dump = JSON.stringify({ job: remote.job, logs }, (_k, v) =>
      typeof v === "bigint" ? String(v) : v,
    );
    expect(dump).not.toContain(TOKEN);
    expect(dump).toContain(info?.clusterId ?? "no cluster");
  });

  it("Cancel ends a build whose workspace never answers its REST calls within 5 s", async () => {
    const engine = await connectionTo(hanging.url);
    const before = hanging.accepted();
    const { jobId, outputId } = await submitOneRecipe(engine);
    // The worker's clusters/list is in flight on the silent peer (its read timeout is 30 s).
    await waitFor("the REST call to be in flight", async () => hanging.accepted() > before, 15_000);
    const { job, ms } = await cancelAndTime(jobId);
    expect(job.state).toBe("CANCELLED");
    expect(job.activities[0]?.state).toBe("CANCELLED");
    expect(ms).toBeLessThan(5_000);
    console.log(`[remote-run] cancel with REST hanging: CANCELLED after ${Math.round(ms)} ms`);
    expect(await ctx.db.datasetVersion.count({ where: { datasetId: outputId } })).toBe(0);
  });

  it("Cancel ends a build whose SQL endpoint never answers within 5 s", async () => {
    proxy.hangSql();
    const engine = await connectionTo(proxy.url);
    const { jobId, outputId } = await submitOneRecipe(engine);
    // The cluster came up through the proxy; the driver's OpenSession is now held unanswered.
    await waitFor("an SQL request to be held", async () => proxy.heldSql() > 0, 30_000);
    const { job, ms } = await cancelAndTime(jobId);
    expect(job.state).toBe("CANCELLED");
    expect(ms).toBeLessThan(5_000);
    console.log(`[remote-run] cancel with SQL hanging: CANCELLED after ${Math.round(ms)} ms`);
    expect(await ctx.db.datasetVersion.count({ where: { datasetId: outputId } })).toBe(0);
  });

  it("a closed port fails the build quickly as 'the workspace at <url> is unreachable'", async () => {
    const closed = await closedPort();
    const engine = await connectionTo(closed.url);
    const t0 = performance.now();
    const { jobId } = await submitOneRecipe(engine);
    const job = await waitForJobRow(ctx.db, jobId, 30_000);
    const ms = performance.now() - t0;
    expect(job.state).toBe("FAILED");
    expect(job.error).toContain(
      `The Databricks workspace at ${closed.url} is unreachable (connection refused).`,
    );
    expect(job.error).not.toMatch(/Max retry count/);
    // Three attempts (the queue's 1 s and 2 s backoff), none of them waiting on the dead port.
    expect(ms).toBeLessThan(15_000);
  });

  it("a worker shutdown is not held by a call the workspace never answers", async () => {
    const shutdownPrefix = `${prefix}-stop`;
    const q = createBuildQueue({ connection: connections[0]!, prefix: shutdownPrefix });
    // Timeouts far longer than the test: only the shutdown's interruption can end the call.
    const patient = { ...ctx, remote: { ...ctx.remote!, timeouts: { connectMs: 300_000, readMs: 300_000 } } };
    const stopping = registerWorkers({
      ctx: patient,
      connection: connections[1]!,
      prefix: shutdownPrefix,
      queue: { concurrency: 1, lockMs: 30_000, stalledIntervalMs: 15_000, maxStalledCount: 1 },
      build: { ...defaultBuildSettings, activityTimeoutMs: 600_000, cancelPollMs: 100 },
    });
    try {
      const engine = await connectionTo(hanging.url);
      const before = hanging.accepted();
      const { jobId } = await submitOneRecipe(engine, q);
      await waitFor("the REST call to be in flight", async () => hanging.accepted() > before, 15_000);
      const t0 = performance.now();
      await closeWorkers(stopping, 500);
      const ms = performance.now() - t0;
      expect(ms).toBeLessThan(5_000);
      console.log(`[remote-run] worker shutdown with a hanging call: closed after ${Math.round(ms)} ms`);
      // Interrupted, not failed: the activity is queued again for the next worker.
      const row = await ctx.db.job.findUniqueOrThrow({ where: { id: jobId }, include: { activities: true } });
      expect(row.state).toBe("RUNNING");
      expect(row.activities[0]?.state).toBe("QUEUED");
      const logs = await ctx.db.jobLog.findMany({ where: { jobId } });
      expect(logs.map((l) => l.message).join("\n")).toMatch(/The worker is stopping/);
    } finally {
      await closeWorkers(stopping, 0);
      await q.obliterate({ force: true }).catch(() => {});
      await q.close();
    }
  });
});
