// Build jobs end to end on the real services (Postgres, Redis, DuckDB, local storage), with the
// worker's processor registered in this process: modes, pipelines, parallel branches, failures,
// cancel, timeouts, two jobs on one dataset, and jobs Redis lost.
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { compilePipeline } from "@sous/compiler";
import type { RecipeSpec } from "@sous/contracts";
import type { Prisma } from "@sous/db";
import { type BuildQueue, enqueueBuild } from "@sous/queue";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WorkerContext } from "../src/context.ts";
import { reconcileLostJobs } from "../src/reconcile-lost-jobs.ts";
import {
  addRecipe,
  addSource,
  closeTestContext,
  createProject,
  createTestContext,
  groupByCustomer,
  hasServices,
  selfCross,
  startTestWorkers,
  submitBuild,
  syncAll,
  type TestWorkers,
  waitFor,
  waitForJobRow,
} from "./fixture.ts";

describe.skipIf(!hasServices)("build jobs (worker, real services)", () => {
  let ctx: WorkerContext & { dataDir: string };
  let queue: BuildQueue;
  let workers: TestWorkers | undefined;
  const prefix = `sous-wtest-${randomBytes(4).toString("hex")}`;

  beforeAll(async () => {
    ctx = await createTestContext("build");
    workers = startTestWorkers(ctx, {
      prefix,
      concurrency: 4,
      build: { parallelism: 2, activityTimeoutMs: 20_000, cancelPollMs: 100 },
    });
    queue = workers.queue;
  });

  afterAll(async () => {
    await workers?.close();
    await closeTestContext(ctx);
  });

  /** orders -> sync -> a -> sync -> b -> group -> c */
  async function chainProject(opts: { keepB?: boolean } = {}) {
    const projectId = await createProject(ctx.db, "CH");
    const orders = await addSource(
      ctx,
      projectId,
      "orders",
      "i AS id, 'c' || (i % 7) AS customer, (i % 10) * 1.5 AS amount",
      1000,
    );
    const a = await addRecipe(ctx.db, projectId, {
      name: "to_a",
      spec: syncAll,
      inputs: [orders],
      output: "a",
    });
    const b = await addRecipe(ctx.db, projectId, {
      name: "to_b",
      spec: syncAll,
      inputs: [a.outputId],
      output: "b",
      keep: opts.keepB,
    });
    const c = await addRecipe(ctx.db, projectId, {
      name: "to_c",
      spec: groupByCustomer,
      inputs: [b.outputId],
      output: "c",
    });
    return { projectId, orders, a, b, c };
  }

  const versions = (datasetId: string) => ctx.db.datasetVersion.count({ where: { datasetId } });

  it("smart builds a never-built chain as ONE pipeline statement that writes only the target", async () => {
    const p = await chainProject();
    const { jobId, activities } = await submitBuild(ctx.db, queue, p.projectId, [p.c.outputId], "smart");
    expect(activities).toBe(1);
    const job = await waitForJobRow(ctx.db, jobId);
    expect(job.state).toBe("SUCCEEDED");
    const [act] = job.activities;
    expect(act?.recipeIds).toEqual([p.a.recipeId, p.b.recipeId, p.c.recipeId]);
    expect(Number(act?.rowsWritten)).toBe(7);
    // One statement: one COPY, reading the source parquet once, no intermediate writes.
    expect(act?.duckdbSql?.match(/COPY/g)?.length).toBe(1);
    expect(await versions(p.a.outputId)).toBe(0);
    expect(await versions(p.b.outputId)).toBe(0);
    expect(await versions(p.c.outputId)).toBe(1);

    // Nothing changed: a second smart build has nothing to do.
    const again = await submitBuild(ctx.db, null, p.projectId, [p.c.outputId], "smart");
    expect(again.activities).toBe(0);

    // A recipe changes: its output and everything downstream is outdated and rebuilt, nothing else.
    await ctx.db.recipe.update({
      where: { id: p.b.recipeId },
      data: {
        spec: {
          kind: "sync",
          version: 1,
          params: { columns: [{ column: "customer" }, { column: "amount" }] },
        },
      },
    });
    const changed = await submitBuild(ctx.db, queue, p.projectId, [p.c.outputId], "smart");
    expect(changed.activities).toBe(1);
    const job2 = await waitForJobRow(ctx.db, changed.jobId);
    expect(job2.state).toBe("SUCCEEDED");
    expect(await versions(p.c.outputId)).toBe(2);
  });

  it("a dataset marked to keep ends the pipeline and is written; without pipelines every dataset is", async () => {
    const kept = await chainProject({ keepB: true });
    const j1 = await submitBuild(ctx.db, queue, kept.projectId, [kept.c.outputId], "smart");
    expect(j1.activities).toBe(2);
    expect((await waitForJobRow(ctx.db, j1.jobId)).state).toBe("SUCCEEDED");
    expect(await versions(kept.a.outputId)).toBe(0);
    expect(await versions(kept.b.outputId)).toBe(1);

    const plain = await chainProject();
    const j2 = await submitBuild(ctx.db, queue, plain.projectId, [plain.c.outputId], "forced-recursive", {
      pipelines: false,
    });
    expect(j2.activities).toBe(3);
    const job = await waitForJobRow(ctx.db, j2.jobId);
    expect(job.state).toBe("SUCCEEDED");
    expect(job.activities.map((a) => Number(a.rowsWritten))).toEqual([1000, 1000, 7]);
    // Dependency order: each activity started after the one it reads finished.
    for (let i = 1; i < 3; i++)
      expect(job.activities[i]!.startedAt!.getTime()).toBeGreaterThanOrEqual(
        job.activities[i - 1]!.finishedAt!.getTime(),
      );
  });

  it("runs independent branches in parallel; a failure skips its downstream and the other branch finishes", async () => {
    const projectId = await createProject(ctx.db, "PAR");
    const big = await addSource(ctx, projectId, "big", "i AS id", 1500);
    // Two slow independent branches.
    const x = await addRecipe(ctx.db, projectId, {
      name: "x",
      spec: selfCross,
      inputs: [big, big],
      output: "x_out",
    });
    const y = await addRecipe(ctx.db, projectId, {
      name: "y",
      spec: selfCross,
      inputs: [big, big],
      output: "y_out",
    });
    const par = await submitBuild(ctx.db, queue, projectId, [x.outputId, y.outputId], "build-only-this");
    const pj = await waitForJobRow(ctx.db, par.jobId);
    expect(pj.state).toBe("SUCCEEDED");
    const [ax, ay] = pj.activities;
    // Overlapping intervals: the second started before the first finished.
    expect(ay!.startedAt!.getTime()).toBeLessThan(ax!.finishedAt!.getTime());
    expect(ax!.startedAt!.getTime()).toBeLessThan(ay!.finishedAt!.getTime());

    // Branch 1: bad -> after_bad (the recipe names a column that does not exist). Branch 2: fine.
    const bad = await addRecipe(ctx.db, projectId, {
      name: "bad",
      spec: { ...groupByCustomer },
      inputs: [big],
      output: "bad_out",
    });
    const after = await addRecipe(ctx.db, projectId, {
      name: "after_bad",
      spec: syncAll,
      inputs: [bad.outputId],
      output: "after_out",
    });
    const fine = await addRecipe(ctx.db, projectId, {
      name: "fine",
      spec: syncAll,
      inputs: [big],
      output: "fine_out",
    });
    const j = await submitBuild(ctx.db, queue, projectId, [after.outputId, fine.outputId], "smart", {
      pipelines: false,
    });
    const job = await waitForJobRow(ctx.db, j.jobId);
    expect(job.state).toBe("FAILED");
    const byOut = new Map(job.activities.map((a) => [a.outputDatasetId, a]));
    expect(byOut.get(bad.outputId)?.state).toBe("FAILED");
    expect(byOut.get(bad.outputId)?.error).toMatch(/customer/);
    expect(byOut.get(bad.outputId)?.attempts).toBe(1); // a recipe error is not retried
    expect(byOut.get(after.outputId)?.state).toBe("SKIPPED");
    expect(byOut.get(fine.outputId)?.state).toBe("SUCCEEDED");
    expect(job.error).toMatch(/1 downstream activity skipped/);
  });

  it("cancel interrupts the running DuckDB query, publishes nothing and ends CANCELLED", async () => {
    const projectId = await createProject(ctx.db, "CAN");
    const big = await addSource(ctx, projectId, "big", "i AS id, i * 2 AS v", 6000);
    const slow = await addRecipe(ctx.db, projectId, {
      name: "slow",
      spec: selfCross,
      inputs: [big, big],
      output: "slow_out",
      keep: true,
    });
    const after = await addRecipe(ctx.db, projectId, {
      name: "after",
      spec: syncAll,
      inputs: [slow.outputId],
      output: "after_out",
    });
    const j = await submitBuild(ctx.db, queue, projectId, [after.outputId], "smart");
    const running = await waitFor("the slow activity to write", async () => {
      const a = await ctx.db.jobActivity.findFirst({
        where: { jobId: j.jobId, position: 0, stagingPrefix: { not: null } },
      });
      return a;
    });
    await new Promise((r) => setTimeout(r, 300));
    const t0 = Date.now();
    await ctx.db.job.update({ where: { id: j.jobId }, data: { cancelRequestedAt: new Date() } });
    const job = await waitForJobRow(ctx.db, j.jobId, 15_000);
    const took = Date.now() - t0;
    expect(job.state).toBe("CANCELLED");
    expect(took).toBeLessThan(5_000);
    // The line commits with the state: a reader that saw CANCELLED (the page's stream ends there) has it.
    const lines = await ctx.db.jobLog.findMany({ where: { jobId: j.jobId }, select: { message: true } });
    expect(lines.map((l) => l.message)).toContain(
      "Job cancelled: the running query was interrupted and nothing was published.",
    );
    expect(job.activities.map((a) => a.state)).toEqual(["CANCELLED", "SKIPPED"]);
    expect(await versions(slow.outputId)).toBe(0);
    expect(existsSync(path.join(ctx.dataDir, "storage", running.stagingPrefix!))).toBe(false);
  });

  it("an activity over its timeout is interrupted and fails with a message that says what to change", async () => {
    const projectId = await createProject(ctx.db, "TMO");
    const big = await addSource(ctx, projectId, "big", "i AS id, i * 2 AS v", 6000);
    const slow = await addRecipe(ctx.db, projectId, {
      name: "slow",
      spec: selfCross,
      inputs: [big, big],
      output: "slow_out",
    });
    // A worker of its own with a 400 ms activity timeout.
    const own = startTestWorkers(ctx, {
      prefix: `${prefix}-tmo`,
      concurrency: 1,
      build: { activityTimeoutMs: 400 },
    });
    const q2 = own.queue;
    try {
      const j = await submitBuild(ctx.db, q2, projectId, [slow.outputId], "build-only-this");
      const job = await waitForJobRow(ctx.db, j.jobId);
      expect(job.state).toBe("FAILED");
      expect(job.activities[0]?.error).toMatch(/timed out after 0 s.*SOUS_ACTIVITY_TIMEOUT_SECONDS/);
      expect(await versions(slow.outputId)).toBe(0);
    } finally {
      await own.close();
    }
  });

  it("two jobs building the same dataset never run it at once: the second waits, then joins", async () => {
    const projectId = await createProject(ctx.db, "DUP");
    const big = await addSource(ctx, projectId, "big", "i AS id", 2500);
    const slow = await addRecipe(ctx.db, projectId, {
      name: "slow",
      spec: selfCross,
      inputs: [big, big],
      output: "slow_out",
    });
    const first = await submitBuild(ctx.db, queue, projectId, [slow.outputId], "build-only-this");
    await waitFor("the first to start", () =>
      ctx.db.jobActivity.findFirst({ where: { jobId: first.jobId, state: "RUNNING" } }),
    );
    const second = await submitBuild(ctx.db, queue, projectId, [slow.outputId], "build-only-this");
    const [a, b] = await Promise.all([
      waitForJobRow(ctx.db, first.jobId),
      waitForJobRow(ctx.db, second.jobId),
    ]);
    expect(a.state).toBe("SUCCEEDED");
    expect(b.state).toBe("SUCCEEDED");
    // Built once: the second found the dataset up to date once the first had published it.
    expect(await versions(slow.outputId)).toBe(1);
    const logs = (await ctx.db.jobLog.findMany({ where: { jobId: second.jobId } })).map((l) => l.message);
    expect(logs.join("\n")).toMatch(new RegExp(`Waiting: job ${first.jobId} is building`));
    expect(logs.join("\n")).toMatch(new RegExp(`already built by job ${first.jobId}`));
    expect(await ctx.db.datasetBuildLock.count({ where: { datasetId: slow.outputId } })).toBe(0);
  });

  it("missing-only builds only what was never built; an input with no data fails at once, naming it", async () => {
    const p = await chainProject({ keepB: true });
    const j1 = await submitBuild(ctx.db, queue, p.projectId, [p.b.outputId], "missing-only");
    expect((await waitForJobRow(ctx.db, j1.jobId)).state).toBe("SUCCEEDED");
    const j2 = await submitBuild(ctx.db, queue, p.projectId, [p.c.outputId], "missing-only");
    expect(j2.activities).toBe(1);
    expect((await waitForJobRow(ctx.db, j2.jobId)).state).toBe("SUCCEEDED");

    const q = await chainProject();
    const j3 = await submitBuild(ctx.db, queue, q.projectId, [q.b.outputId], "build-only-this");
    const job = await waitForJobRow(ctx.db, j3.jobId);
    expect(job.state).toBe("FAILED");
    expect(job.error).toMatch(/Input dataset a has no data yet/);
    expect(job.activities[0]?.attempts).toBe(1);
  });

  it("a job Postgres has pending but Redis lost is enqueued again and runs", async () => {
    const p = await chainProject();
    const { jobId } = await submitBuild(ctx.db, null, p.projectId, [p.c.outputId], "smart", { prefix });
    // Back-date it past the grace period, as if Redis had been wiped after the studio enqueued it.
    await ctx.db.job.update({ where: { id: jobId }, data: { queuedAt: new Date(Date.now() - 60_000) } });
    const requeued = await reconcileLostJobs({ db: ctx.db, queue, prefix, graceMs: 1000 });
    expect(requeued).toContain(jobId);
    expect((await waitForJobRow(ctx.db, jobId)).state).toBe("SUCCEEDED");
    // Once Redis has it, it is never enqueued twice.
    expect(await reconcileLostJobs({ db: ctx.db, queue, prefix, graceMs: 1000 })).not.toContain(jobId);
  });

  it("retries a transient fault (a connection reset) with backoff and then succeeds", async () => {
    const p = await chainProject();
    // The same context, but reading an input fails once as a dropped connection would.
    let failures = 0;
    const flaky: WorkerContext = {
      ...ctx,
      storage: {
        ...ctx.storage,
        acquire: async (prefix: string) => {
          if (failures++ === 0) throw Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" });
          return ctx.storage.acquire(prefix);
        },
      },
    };
    const own = startTestWorkers(flaky, { prefix: `${prefix}-flaky`, concurrency: 1 });
    const q2 = own.queue;
    try {
      const j = await submitBuild(ctx.db, q2, p.projectId, [p.c.outputId], "smart");
      const job = await waitForJobRow(ctx.db, j.jobId, 30_000);
      expect(job.state).toBe("SUCCEEDED");
      expect(job.activities[0]?.attempts).toBe(2);
      const logs = (await ctx.db.jobLog.findMany({ where: { jobId: j.jobId }, orderBy: { id: "asc" } })).map(
        (l) => l.message,
      );
      expect(logs).toContain("Transient failure, will retry: read ECONNRESET");
      expect(logs).toContain("Job started (attempt 2)");
      expect(await versions(p.c.outputId)).toBe(1);
    } finally {
      await own.close();
    }
  });

  it("a split writes each of its outputs from its own query; the outputs are up to date separately", async () => {
    const projectId = await createProject(ctx.db, "SPL");
    const orders = await addSource(ctx, projectId, "orders", "i AS id, 'c' || (i % 7) AS customer", 1000);
    const [c1, rest] = await Promise.all([
      ctx.db.dataset.create({ data: { projectId, name: "c1_rows" } }),
      ctx.db.dataset.create({ data: { projectId, name: "other_rows" } }),
    ]);
    await ctx.db.recipe.create({
      data: {
        projectId,
        name: "split_c1",
        kind: "split",
        spec: {
          kind: "split",
          version: 1,
          params: { mode: "values", column: "customer", outputs: [{ values: ["c1"] }], otherRows: true },
        },
        io: {
          create: [
            { datasetId: orders, role: "INPUT", position: 0 },
            { datasetId: c1.id, role: "OUTPUT", position: 0 },
            { datasetId: rest.id, role: "OUTPUT", position: 1 },
          ],
        },
      },
    });
    const j = await submitBuild(ctx.db, queue, projectId, [c1.id, rest.id], "smart");
    expect(j.activities).toBe(2);
    const job = await waitForJobRow(ctx.db, j.jobId);
    expect(job.state).toBe("SUCCEEDED");
    const rows = new Map(job.activities.map((a) => [a.outputDatasetId, Number(a.rowsWritten)]));
    expect(rows.get(c1.id)).toBe(143);
    expect(rows.get(rest.id)).toBe(857);
    // By values, reading the input again is cheaper than keeping it (bench/split.ts): one query each.
    for (const a of job.activities) expect(a.duckdbSql).toMatch(/^COPY \(\nSELECT/);
    expect((await submitBuild(ctx.db, null, projectId, [c1.id, rest.id], "smart")).activities).toBe(0);
  });

  it("a random split writes all its outputs from one read of its input, with the rows of one query per output", async () => {
    const projectId = await createProject(ctx.db, "SPR");
    const orders = await addSource(ctx, projectId, "orders", "i AS id, 'c' || (i % 7) AS customer", 5000);
    const outs = await Promise.all(
      ["train", "test", "rest"].map((name) => ctx.db.dataset.create({ data: { projectId, name } })),
    );
    const spec: RecipeSpec = {
      kind: "split",
      version: 1,
      params: { mode: "random", ratios: [0.6, 0.3], seed: 7, otherRows: true },
    };
    await ctx.db.recipe.create({
      data: {
        projectId,
        name: "split_random",
        kind: "split",
        spec,
        io: {
          create: [
            { datasetId: orders, role: "INPUT", position: 0 },
            ...outs.map((d, position) => ({ datasetId: d.id, role: "OUTPUT" as const, position })),
          ],
        },
      },
    });
    const j = await submitBuild(
      ctx.db,
      queue,
      projectId,
      outs.map((d) => d.id),
      "smart",
    );
    expect(j.activities).toBe(3);
    const job = await waitForJobRow(ctx.db, j.jobId);
    expect(job.state).toBe("SUCCEEDED");
    // The same rows as each output's own query over the input (the per-output SQL of the compiler).
    const input = await ctx.db.dataset.findUniqueOrThrow({
      where: { id: orders },
      include: { currentVersion: true },
    });
    const lease = await ctx.storage.acquire(input.currentVersion!.prefix);
    const { schema } = await ctx.engine.describeParquet(lease.dir);
    const perOutput = compilePipeline({
      steps: [
        {
          name: "split_random",
          spec,
          inputs: [{ name: "orders", schema, location: { format: "parquet", path: lease.dir } }],
        },
      ],
      dialect: "duckdb",
    }).sqlPerOutput!;
    const expected = await Promise.all(
      perOutput.map((sql) =>
        ctx.engine.withConnection(async (c) =>
          Number((await c.runAndReadAll(`SELECT count(*) FROM (${sql})`)).getRows()[0]?.[0]),
        ),
      ),
    );
    await lease.release();
    const written = outs.map((d) =>
      Number(job.activities.find((a) => a.outputDatasetId === d.id)?.rowsWritten),
    );
    expect(written).toEqual(expected);
    expect(written.reduce((a, b) => a + b, 0)).toBe(5000);
    // One read: the input and each row's outputs are computed once, each output is a filter of that.
    for (const a of job.activities) {
      const [setup, write] = (a.duckdbSql ?? "").split(";\n");
      expect(setup).toMatch(/^CREATE TEMPORARY TABLE sous_split_rows AS SELECT\s/);
      expect(setup?.match(/read_parquet\(/g)).toHaveLength(1);
      expect(write).toMatch(
        /^COPY \(\nSELECT "id", "customer" FROM sous_split_rows WHERE "__sous_route_\d"\n\)/,
      );
    }
    const logs = await ctx.db.jobLog.findMany({ where: { jobId: j.jobId } });
    expect(logs.map((l) => l.message)).toContain(
      "Running split_random (3 outputs, one read of the input) on DuckDB",
    );
    const again = await submitBuild(
      ctx.db,
      null,
      projectId,
      outs.map((d) => d.id),
      "smart",
    );
    expect(again.activities).toBe(0);
  });

  it("writes no file before the activity's SQL and staging prefix are recorded, though it records them while its sandbox opens", async () => {
    const p = await chainProject();
    // The job is written (with its first log line) before the table is held, and enqueued after.
    const { jobId } = await submitBuild(ctx.db, null, p.projectId, [p.c.outputId], "smart", {
      prefix: queue.opts.prefix,
    });
    // Job log lines wait while this transaction holds the table: the "Running" line, recorded in
    // one statement with the SQL and the staging prefix, cannot commit, so the query must not start.
    let release = () => {};
    const released = new Promise<void>((r) => {
      release = r;
    });
    let locked = () => {};
    const holding = new Promise<void>((r) => {
      locked = r;
    });
    const lock = ctx.db.$transaction(
      async (tx) => {
        await tx.$executeRaw`LOCK TABLE "JobLog" IN EXCLUSIVE MODE`;
        locked();
        await released;
      },
      { timeout: 30_000 },
    );
    try {
      await holding;
      await enqueueBuild(queue, { jobId });
      // The output's staging folder is made before the record is sent: the worker got that far.
      const versions = path.join(
        ctx.dataDir,
        "storage",
        `projects/${p.projectId}/datasets/${p.c.outputId}/versions`,
      );
      const staged = await waitFor("the output's staging folder", async () =>
        existsSync(versions) ? readdirSync(versions)[0] : undefined,
      );
      await new Promise((r) => setTimeout(r, 700));
      expect(readdirSync(path.join(versions, staged))).toEqual([]);
      const running = await ctx.db.job.findUniqueOrThrow({
        where: { id: jobId },
        include: { activities: true },
      });
      expect(running.state).toBe("RUNNING");
      expect(running.activities[0]?.stagingPrefix).toBeNull();
      release();
      await lock;
      const job = await waitForJobRow(ctx.db, jobId);
      expect(job.state).toBe("SUCCEEDED");
      expect(Number(job.activities[0]?.rowsWritten)).toBe(7);
      expect(job.activities[0]?.stagingPrefix).toBeNull();
      expect(job.activities[0]?.duckdbSql).toContain(staged);
    } finally {
      release();
      await lock.catch(() => {});
    }
  });

  it("stores the plan and per-activity SQL on the row", async () => {
    const p = await chainProject();
    const { jobId } = await submitBuild(ctx.db, queue, p.projectId, [p.c.outputId], "smart");
    const job = await waitForJobRow(ctx.db, jobId);
    const plan = job.plan as Prisma.JsonObject;
    expect(plan.mode).toBe("smart");
    expect((plan.activities as Prisma.JsonArray).length).toBe(1);
    // No Databricks connection in this project: a placeholder for the mount, never this host's folder.
    expect(job.activities[0]?.sparkSql).toMatch(/parquet\.`<databricks-storage-prefix>\/projects\//);
    expect(job.activities[0]?.sparkSql).not.toContain(ctx.dataDir);
    expect(job.activities[0]?.duckdbSql).toMatch(/^COPY/);
    // The 'Wrote' line is no longer awaited by the activity itself, but still lands before the end.
    const lines = (
      await ctx.db.jobLog.findMany({ where: { jobId }, orderBy: { id: "asc" }, select: { message: true } })
    ).map((l) => l.message);
    const wrote = lines.findIndex((m) => m.startsWith("Wrote 7 rows"));
    expect(wrote).toBeGreaterThanOrEqual(0);
    expect(wrote).toBeLessThan(lines.indexOf("Job succeeded"));
    // And the dataset's lease is released before the job ends.
    expect(await ctx.db.datasetBuildLock.count({ where: { jobId } })).toBe(0);
  });
});
