// Test fixtures for build jobs against the real services: a project with source datasets written
// as Parquet versions, recipes between them, and jobs planned the way the studio plans them.
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import type { BuildMode, RecipeSpec } from "@sous/contracts";
import { newId } from "@sous/contracts";
import { createDb, type Db, type Prisma } from "@sous/db";
import { duckString, LocalEngine } from "@sous/engine-local";
import { planBuild } from "@sous/flow";
import { type BuildQueue, createBuildQueue, createRedisConnection, enqueueBuild } from "@sous/queue";
import { insertJob, loadBuildGraph, publishDatasetVersion } from "@sous/server-domain";
import { createLocalStorage, type DatasetStorage, datasetVersionPrefix } from "@sous/storage";
import type { Worker } from "bullmq";
import type { WorkerContext } from "../src/context.ts";
import { type BuildSettings, defaultBuildSettings } from "../src/jobs/build/settings.ts";
import { closeWorkers, registerWorkers } from "../src/registry.ts";

export const databaseUrl = process.env.SOUS_TEST_DATABASE_URL ?? "";
export const redisUrl = process.env.SOUS_TEST_REDIS_URL ?? "";
export const hasServices = databaseUrl !== "" && redisUrl !== "";
export const repoRoot = path.resolve(import.meta.dirname, "../../..");

export async function createTestContext(name: string): Promise<WorkerContext & { dataDir: string }> {
  const dataDir = path.join(repoRoot, ".test-data", `worker-${name}-${randomBytes(3).toString("hex")}`);
  mkdirSync(dataDir, { recursive: true });
  return {
    db: createDb({ databaseUrl }),
    storage: createLocalStorage({ root: path.join(dataDir, "storage") }),
    engine: await LocalEngine.create({ allowedDirectories: [dataDir] }),
    dataDir,
  };
}

/** Ends what createTestContext made: the database client, DuckDB and the data folder. */
export async function closeTestContext(
  ctx: (WorkerContext & { dataDir: string }) | undefined,
): Promise<void> {
  if (!ctx) return;
  await ctx.db.$disconnect();
  ctx.engine.close();
  rmSync(ctx.dataDir, { recursive: true, force: true });
}

/** A build queue and the worker's processors registered in this process over a test context. */
export interface TestWorkers {
  queue: BuildQueue;
  workers: Worker[];
  /**
   * Closes the workers (after `graceMs`, running jobs are interrupted; without it they are waited
   * for), empties and closes the queue, and disconnects both Redis connections.
   */
  close(graceMs?: number): Promise<void>;
}

/**
 * Registers the worker's processors in this process, as the worker's main does, with a queue of
 * their own under `prefix` (one Redis connection to enqueue, one to consume). `build` overrides
 * the default build settings.
 */
export function startTestWorkers(
  ctx: WorkerContext,
  o: { prefix: string; concurrency: number; build?: Partial<BuildSettings> },
): TestWorkers {
  const connections = [createRedisConnection(redisUrl), createRedisConnection(redisUrl)] as const;
  const queue = createBuildQueue({ connection: connections[0], prefix: o.prefix });
  const workers = registerWorkers({
    ctx,
    connection: connections[1],
    prefix: o.prefix,
    queue: { concurrency: o.concurrency, lockMs: 30_000, stalledIntervalMs: 15_000, maxStalledCount: 1 },
    build: { ...defaultBuildSettings, ...o.build },
  });
  return {
    queue,
    workers,
    async close(graceMs) {
      if (graceMs === undefined) await Promise.all(workers.map((w) => w.close()));
      else await closeWorkers(workers, graceMs);
      await queue.obliterate({ force: true }).catch(() => {});
      await queue.close();
      for (const c of connections) c.disconnect();
    },
  };
}

/** `SELECT ...` over range(rows) AS t(i), written as a source dataset's first version. */
export async function addSource(
  ctx: { db: Db; storage: DatasetStorage; engine: LocalEngine },
  projectId: string,
  name: string,
  select: string,
  rows: number,
): Promise<string> {
  const d = await ctx.db.dataset.create({ data: { projectId, name } });
  const versionId = newId();
  const prefix = datasetVersionPrefix({ projectId, datasetId: d.id, versionId });
  const staged = await ctx.storage.stage(prefix);
  const n = await ctx.engine.runWrite(
    `COPY (SELECT ${select} FROM range(${rows}) AS t(i)) TO ${duckString(path.join(staged.dir, "part-0.parquet"))} (FORMAT parquet)`,
  );
  const { schema } = await ctx.engine.describeParquet(staged.dir);
  const { bytes } = await staged.commit();
  await publishDatasetVersion(ctx.db, {
    datasetId: d.id,
    versionId,
    prefix,
    schema,
    rowCount: n,
    bytes,
  });
  return d.id;
}

export async function addRecipe(
  db: Db,
  projectId: string,
  args: { name: string; spec: RecipeSpec; inputs: string[]; output: string; keep?: boolean },
): Promise<{ recipeId: string; outputId: string }> {
  const out = await db.dataset.create({
    data: { projectId, name: args.output, keepInPipeline: args.keep ?? false },
  });
  const r = await db.recipe.create({
    data: {
      projectId,
      name: args.name,
      kind: args.spec.kind,
      spec: args.spec as unknown as Prisma.InputJsonValue,
      io: {
        create: [
          ...args.inputs.map((datasetId, position) => ({ datasetId, role: "INPUT" as const, position })),
          { datasetId: out.id, role: "OUTPUT" as const, position: 0 },
        ],
      },
    },
  });
  return { recipeId: r.id, outputId: out.id };
}

export async function createProject(db: Db, prefix: string): Promise<string> {
  const key = `${prefix}_${randomBytes(3).toString("hex").toUpperCase()}`;
  return (await db.project.create({ data: { key, name: key } })).id;
}

/**
 * The smallest flow with something to build: a new project, a source `orders` of `rows` rows (one
 * column, id) and a sync recipe copying it to `copy_out`.
 */
export async function copyFlow(
  ctx: WorkerContext & { dataDir: string },
  prefix: string,
  rows: number,
): Promise<{ projectId: string; orders: string; outputId: string }> {
  const projectId = await createProject(ctx.db, prefix);
  const orders = await addSource(ctx, projectId, "orders", "i AS id", rows);
  const { outputId } = await addRecipe(ctx.db, projectId, {
    name: "copy",
    spec: syncAll,
    inputs: [orders],
    output: "copy_out",
  });
  return { projectId, orders, outputId };
}

/** Plans and creates the job as the studio does (same loader, planner and insertJob), and enqueues it unless told not to. */
export async function submitBuild(
  db: Db,
  queue: BuildQueue | null,
  projectId: string,
  targets: string[],
  mode: BuildMode,
  opts: { pipelines?: boolean; prefix?: string } = {},
): Promise<{ jobId: string; activities: number }> {
  const r = planBuild({
    graph: await loadBuildGraph(db, projectId),
    targets,
    mode,
    pipelines: opts.pipelines,
  });
  if (!r.ok) throw new Error(`cannot plan: ${JSON.stringify(r)}`);
  const job = await insertJob(db, {
    projectId,
    createdById: null,
    plan: r.plan,
    queuePrefix: opts.prefix ?? queue?.opts.prefix ?? null,
  });
  if (queue && r.plan.activities.length) await enqueueBuild(queue, { jobId: job.id });
  return { jobId: job.id, activities: r.plan.activities.length };
}

export async function waitForJobRow(db: Db, jobId: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const j = await db.job.findUniqueOrThrow({
      where: { id: jobId },
      include: { activities: { orderBy: { position: "asc" } } },
    });
    if (["SUCCEEDED", "FAILED", "CANCELLED"].includes(j.state)) return j;
    if (Date.now() > deadline) throw new Error(`job ${jobId} still ${j.state} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | null | undefined | false>,
  timeoutMs = 30_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// Recipe specs used by the tests.
export const syncAll: RecipeSpec = { kind: "sync", version: 1, params: {} } as RecipeSpec;
export const groupByCustomer: RecipeSpec = {
  kind: "group",
  version: 1,
  params: {
    keys: ["customer"],
    aggregations: [{ column: "amount", fn: "sum", as: "total" }],
    globalCount: true,
  },
} as RecipeSpec;
/** A cross join of a dataset with itself: n² rows, slow enough to cancel or kill mid-write. */
export const selfCross: RecipeSpec = {
  kind: "join",
  version: 1,
  params: { type: "cross", on: [], rightPrefix: "r_", dropRightKeys: true },
} as RecipeSpec;

/**
 * A Databricks connection as the studio stores it (storage: the installation's own, mounted at
 * dbfs:/mnt/sous) with one "small" compute profile; `secret` is the sealed token, or null.
 */
export async function addDatabricksConnection(
  db: Db,
  args: {
    id: string;
    workspaceUrl: string;
    secret: string | null;
    tokenLast4: string | null;
    isolation?: "service" | "per-user";
  },
): Promise<{ kind: "databricks"; connectionId: string; profileId: string }> {
  await db.connection.create({
    data: {
      id: args.id,
      kind: "databricks",
      name: args.id,
      config: {
        workspaceUrl: args.workspaceUrl,
        isolation: args.isolation ?? "service",
        storagePrefix: "dbfs:/mnt/sous",
        storage: { kind: "installation" },
        tokenLast4: args.tokenLast4,
      },
      secret: args.secret,
    },
  });
  const profile = await db.computeProfile.create({
    data: {
      connectionId: args.id,
      name: "small",
      spec: { spark_version: "15.4.x-scala2.12", num_workers: 1 },
    },
  });
  return { kind: "databricks", connectionId: args.id, profileId: profile.id };
}
