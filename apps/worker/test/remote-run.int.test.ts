// A flow whose project runs on Databricks, built by the worker end to end: the emulator mounts
// the installation's own storage (no upload, no copy back), the connection's token is sealed in
// Postgres, and the 3-recipe chain runs as ONE remote statement. Its output must equal the same
// flow built locally, and the token must appear nowhere the worker writes.
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import path from "node:path";
import { createSecretBox } from "@sous/config";
import type { RecipeSpec } from "@sous/contracts";
import { connectionSecretContext, createClusterLoad } from "@sous/databricks";
import {
  type DatabricksEmulator,
  queryLocalDuckDb,
  startDatabricksEmulator,
} from "@sous/databricks-emulator";
import { type BuildQueue, createBuildQueue, createRedisConnection } from "@sous/queue";
import type { Worker } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WorkerContext } from "../src/context.ts";
import { defaultBuildSettings } from "../src/jobs/build/settings.ts";
import { registerWorkers } from "../src/registry.ts";
import {
  addRecipe,
  addSource,
  createProject,
  createTestContext,
  hasServices,
  redisUrl,
  submitBuild,
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
  let workers: Worker[];
  let emu: DatabricksEmulator;
  const prefix = `sous-wremote-${randomBytes(4).toString("hex")}`;
  const connections = [createRedisConnection(redisUrl), createRedisConnection(redisUrl)];
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
    await ctx.db.connection.create({
      data: {
        id: connectionId,
        kind: "databricks",
        name: connectionId,
        config: {
          workspaceUrl: emu.url,
          isolation: "service",
          storagePrefix: "dbfs:/mnt/sous",
          storage: { kind: "installation" },
          tokenLast4: TOKEN.slice(-4),
        },
        secret,
      },
    });
    const profile = await ctx.db.computeProfile.create({
      data: { connectionId, name: "small", spec: { spark_version: "15.4.x-scala2.12", num_workers: 1 } },
    });
    profileId = profile.id;
    queue = createBuildQueue({ connection: connections[0]!, prefix });
    workers = registerWorkers({
      ctx,
      connection: connections[1]!,
      prefix,
      queue: { concurrency: 2, lockMs: 30_000, stalledIntervalMs: 15_000, maxStalledCount: 1 },
      build: { ...defaultBuildSettings, parallelism: 2, activityTimeoutMs: 60_000, cancelPollMs: 100 },
    });
  });

  afterAll(async () => {
    await Promise.all(workers?.map((w) => w.close()) ?? []);
    await queue?.obliterate({ force: true }).catch(() => {});
    await queue?.close();
    for (const c of connections) c.disconnect();
    await ctx?.db.connection.deleteMany({ where: { id: connectionId } });
    await ctx?.db.$disconnect();
    await emu?.stop();
    ctx?.engine.close();
    if (ctx) rmSync(ctx.dataDir, { recursive: true, force: true });
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
    const job = await waitForJobRow(ctx.db, jobId, 90_000);
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

  it("builds a 3-recipe pipeline on the cluster as one statement, equal to the local build", async () => {
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
});
