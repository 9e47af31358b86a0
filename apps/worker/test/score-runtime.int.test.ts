// A Score recipe whose saved model version has no portable form scores through the model's own
// runtime: the worker runs the trainer's scikit-learn pipeline in Python on the input's Parquet.
// Models trained for real (the venv's scikit-learn); the same versions with their portable form
// score in SQL (DuckDB), and both paths must write the same columns, types and values (to 1e-9).
// A run that fails in Python, or is cancelled mid-scoring, publishes no version.
import { randomBytes } from "node:crypto";
import type { RecipeSpec } from "@sous/contracts";
import type { Prisma } from "@sous/db";
import { type TrainRequest, TrainResultSchema } from "@sous/ml";
import { mlLocalAvailability, trainLocal } from "@sous/ml-local";
import type { BuildQueue } from "@sous/queue";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WorkerContext } from "../src/context.ts";
import {
  addRecipe,
  addSource,
  closeTestContext,
  createProject,
  createTestContext,
  hasServices,
  startTestWorkers,
  submitBuild,
  syncAll,
  type TestWorkers,
  waitFor,
  waitForJobRow,
} from "./fixture.ts";

const python = mlLocalAvailability();
const u = (k: number) => `((hash(i * 10 + ${k}) % 1000000)::DOUBLE / 1000000)`;
/** Rows to train on and to score: numeric, missing and categorical features, three targets. */
const ROWS_SQL = `i AS id,
  CASE WHEN i % 13 = 0 THEN NULL ELSE ${u(1)} * 20 - 10 END AS x1,
  ${u(2)} * 100 AS x2,
  CASE WHEN i % 11 = 0 THEN NULL
    ELSE ['red', 'green', 'blue', 'black', 'white'][1 + (hash(i * 10 + 3) % 5)::INT] END AS colour,
  ${u(1)} * 20 + ${u(2)} * 10 + ${u(4)} * 8 > 15 AS churned,
  CASE WHEN ${u(2)} + ${u(4)} / 2 < 0.5 THEN 'low' WHEN ${u(2)} + ${u(4)} / 2 < 1 THEN 'mid' ELSE 'high' END AS band,
  3 * ${u(1)} + 0.5 * ${u(2)} + ${u(4)} AS amount`;
const features: TrainRequest["features"] = [
  { name: "x1", type: "numeric", impute: { method: "mean" }, rescale: "standard" },
  { name: "x2", type: "numeric", impute: { method: "median" }, rescale: "minmax" },
  { name: "colour", type: "categorical", impute: { method: "most_frequent" }, maxLevels: 3 },
];

type Cell = string | number | boolean | bigint | null;

describe.skipIf(!hasServices || !python.ok)("score recipe through the model's runtime (scikit-learn)", () => {
  let ctx: WorkerContext & { dataDir: string };
  let queue: BuildQueue;
  let workers: TestWorkers | undefined;
  let projectId: string;
  let trainingSet: string;
  let toScore: string;
  const prefix = `sous-wtest-${randomBytes(4).toString("hex")}`;

  beforeAll(async () => {
    ctx = await createTestContext("score-runtime");
    workers = startTestWorkers(ctx, {
      prefix,
      concurrency: 2,
      build: { parallelism: 1, activityTimeoutMs: 240_000, cancelPollMs: 100 },
    });
    queue = workers.queue;
    projectId = await createProject(ctx.db, "SR");
    trainingSet = await addSource(ctx, projectId, "customers", ROWS_SQL, 3000);
    toScore = await addSource(
      ctx,
      projectId,
      "new_customers",
      ROWS_SQL.replaceAll("i * 10", "(i + 5000) * 10"),
      1500,
    );
  }, 120_000);

  afterAll(async () => {
    await workers?.close();
    await closeTestContext(ctx);
  });

  /**
   * Trains with the venv's scikit-learn into storage, as the worker's training job does, and
   * deploys each model twice: with its portable form (SQL) and without it (the runtime).
   */
  async function trainAndDeploy(
    name: string,
    over: Pick<TrainRequest, "task" | "target" | "metric" | "algorithms">,
  ): Promise<{ sql: string; runtime: string; classes: Cell[] | null }[]> {
    const { db, storage } = ctx;
    const dataset = await db.dataset.findUniqueOrThrow({
      where: { id: trainingSet },
      include: { currentVersion: true },
    });
    const design = {
      task: over.task,
      target: over.target,
      features: features.map((f) => ({ ...f, include: true })),
    };
    const analysis = await db.mlAnalysis.create({
      data: { projectId, datasetId: trainingSet, name, design: design as Prisma.InputJsonValue },
    });
    const job = await db.job.create({
      data: { projectId, mode: "train", targets: [], state: "SUCCEEDED", finishedAt: new Date() },
    });
    const artifactsPrefix = `ml/${projectId}/${analysis.id}/1/`;
    const training = await db.mlTraining.create({
      data: {
        analysisId: analysis.id,
        jobId: job.id,
        number: 1,
        design: design as Prisma.InputJsonValue,
        artifactsPrefix,
      },
    });
    const input = await storage.acquire(dataset.currentVersion!.prefix);
    const staged = await storage.stage(artifactsPrefix);
    const result = TrainResultSchema.parse(
      await trainLocal({
        parquet: input.dir,
        features,
        validation: { kind: "random_split", testRatio: 0.2, seed: 7 },
        outputDir: staged.dir,
        ...over,
      }),
    );
    await staged.commit();
    await input.release();
    if (!result.ok) throw new Error(`training refused: ${JSON.stringify(result)}`);
    await db.mlTraining.update({
      where: { id: training.id },
      data: { result: result as unknown as Prisma.InputJsonValue },
    });
    const deployed = [];
    for (const [i, m] of result.models.entries()) {
      const ids: string[] = [];
      for (const portable of [true, false]) {
        const saved = await db.savedModel.create({
          data: { projectId, name: `${name}_${i}_${portable ? "sql" : "py"}`, datasetId: trainingSet },
        });
        const v = await db.savedModelVersion.create({
          data: {
            savedModelId: saved.id,
            number: 1,
            trainingId: training.id,
            modelIndex: i,
            task: result.task,
            algorithm: m.algorithm as unknown as Prisma.InputJsonValue,
            metrics: m.metrics as Prisma.InputJsonValue,
            classes: (result.classes ?? undefined) as Prisma.InputJsonValue | undefined,
            portableKey: portable && m.portable ? `${artifactsPrefix}${m.portable}` : null,
            artifactKey: `${artifactsPrefix}${m.pickle}`,
          },
        });
        await db.savedModel.update({ where: { id: saved.id }, data: { activeVersionId: v.id } });
        ids.push(saved.id);
      }
      deployed.push({ sql: ids[0]!, runtime: ids[1]!, classes: result.classes as Cell[] | null });
    }
    return deployed;
  }

  const score = (savedModelId: string, params: Record<string, string> = {}): RecipeSpec =>
    ({ kind: "score", version: 1, params: { savedModelId, ...params } }) as RecipeSpec;

  async function build(outputId: string, mode: "build-only-this" | "forced-recursive" = "build-only-this") {
    const j = await submitBuild(ctx.db, queue, projectId, [outputId], mode);
    return waitForJobRow(ctx.db, j.jobId, 240_000);
  }

  /** The current version's schema and rows by id. */
  async function rowsOf(datasetId: string) {
    const d = await ctx.db.dataset.findUniqueOrThrow({
      where: { id: datasetId },
      include: { currentVersion: true },
    });
    const lease = await ctx.storage.acquire(d.currentVersion!.prefix);
    try {
      const schema = await ctx.engine.parquetSchema(lease.dir);
      const r = await ctx.engine.sandboxed({ read: [lease.dir] }, (box) =>
        box.withConnection(async (c) =>
          (
            await c.runAndReadAll(`SELECT * FROM read_parquet('${lease.dir}/*.parquet') ORDER BY id`)
          ).getRows(),
        ),
      );
      return { schema, rows: r as Cell[][], rowCount: d.currentVersion!.rowCount };
    } finally {
      await lease.release();
    }
  }

  /** Both paths' outputs: same schema, same rows; probabilities to 1e-9. */
  function compare(sql: Awaited<ReturnType<typeof rowsOf>>, py: Awaited<ReturnType<typeof rowsOf>>) {
    expect(py.schema).toEqual(sql.schema);
    expect(py.rows.length).toBe(sql.rows.length);
    const doubles = new Set(
      sql.schema.flatMap((c, i) => (c.type === "double" && c.name.startsWith("proba_") ? [i] : [])),
    );
    let maxDiff = 0;
    sql.rows.forEach((row, r) => {
      row.forEach((cell, k) => {
        const other = py.rows[r]![k]!;
        if (doubles.has(k)) maxDiff = Math.max(maxDiff, Math.abs((cell as number) - (other as number)));
        else expect(other, `row ${r} column ${sql.schema[k]!.name}`).toEqual(cell);
      });
    });
    expect(maxDiff).toBeLessThan(1e-9);
    return maxDiff;
  }

  it("scores a binary model with scikit-learn as the SQL path does (logistic and forest), and says so", async () => {
    const models = await trainAndDeploy("churn", {
      task: "binary",
      target: "churned",
      metric: "auc",
      algorithms: [
        { algorithm: "logistic", C: 1, maxIter: 500 },
        { algorithm: "randomForest", nTrees: 20, maxDepth: 6, minSamplesLeaf: 2 },
      ],
    });
    for (const [i, m] of models.entries()) {
      const viaSql = await addRecipe(ctx.db, projectId, {
        name: `score_sql_${i}`,
        spec: score(m.sql),
        inputs: [toScore],
        output: `scored_sql_${i}`,
      });
      const viaPy = await addRecipe(ctx.db, projectId, {
        name: `score_py_${i}`,
        spec: score(m.runtime),
        inputs: [toScore],
        output: `scored_py_${i}`,
      });
      const a = await build(viaSql.outputId);
      expect(a.state, a.error ?? "").toBe("SUCCEEDED");
      const b = await build(viaPy.outputId);
      expect(b.state, b.error ?? "").toBe("SUCCEEDED");
      expect(b.activities[0]!.duckdbSql).toBeNull();
      const logs = await ctx.db.jobLog.findMany({ where: { jobId: b.id } });
      expect(logs.map((l) => l.message).join("\n")).toMatch(/Scoring with scikit-learn \(no SQL/);
      const sql = await rowsOf(viaSql.outputId);
      const py = await rowsOf(viaPy.outputId);
      expect(Number(py.rowCount)).toBe(1500);
      expect(py.schema.map((c) => c.name)).toEqual([
        "id",
        "x1",
        "x2",
        "colour",
        "churned",
        "band",
        "amount",
        "prediction",
        ...m.classes!.map((c) => `proba_${String(c)}`),
      ]);
      const diff = compare(sql, py);
      console.log(`score via scikit-learn vs SQL, binary model ${i}: max |diff| ${diff}`);
    }
  }, 300_000);

  it("scores a multiclass model after a pipeline of recipes, with custom column names", async () => {
    const [forest] = await trainAndDeploy("band", {
      task: "multiclass",
      target: "band",
      metric: "accuracy",
      algorithms: [{ algorithm: "randomForest", nTrees: 15, maxDepth: 5, minSamplesLeaf: 2 }],
    });
    const out: Awaited<ReturnType<typeof rowsOf>>[] = [];
    for (const [kind, id] of [
      ["sql", forest!.sql],
      ["py", forest!.runtime],
    ] as const) {
      // new_customers -> sync -> (virtual) -> score: the scorer reads what the pipeline computed.
      const copy = await addRecipe(ctx.db, projectId, {
        name: `copy_${kind}`,
        spec: syncAll,
        inputs: [toScore],
        output: `copy_${kind}`,
      });
      const scored = await addRecipe(ctx.db, projectId, {
        name: `band_${kind}`,
        spec: score(id, { predictionColumn: "band_hat", probabilityPrefix: "p_" }),
        inputs: [copy.outputId],
        output: `band_${kind}_out`,
      });
      const j = await build(scored.outputId, "forced-recursive");
      expect(j.state, j.error ?? "").toBe("SUCCEEDED");
      // One activity: the copy is computed on the way (never written), then scored.
      expect(j.activities).toHaveLength(1);
      expect(j.activities[0]!.virtualDatasetIds).toEqual([copy.outputId]);
      out.push(await rowsOf(scored.outputId));
    }
    expect(out[1]!.schema.slice(-4).map((c) => c.name)).toEqual([
      "band_hat",
      ...forest!.classes!.map((c) => `p_${String(c)}`),
    ]);
    compare(out[0]!, out[1]!);
  }, 300_000);

  it("a failure in Python fails the job with its message and publishes nothing", async () => {
    const [model] = await trainAndDeploy("amount", {
      task: "regression",
      target: "amount",
      metric: "rmse",
      algorithms: [{ algorithm: "linear", alpha: 1 }],
    });
    // x2 as text: the pipeline handles it as numeric, and says so.
    const bad = await addSource(
      ctx,
      projectId,
      "bad_rows",
      `${ROWS_SQL.replace(`${u(2)} * 100 AS x2`, `'n/a' AS x2`)}`,
      50,
    );
    const r = await addRecipe(ctx.db, projectId, {
      name: "score_bad",
      spec: score(model!.runtime),
      inputs: [bad],
      output: "bad_scored",
    });
    const j = await build(r.outputId);
    expect(j.state).toBe("FAILED");
    expect(j.error).toMatch(/could not score with scikit-learn: .*x2 is handled as numeric/);
    const d = await ctx.db.dataset.findUniqueOrThrow({ where: { id: r.outputId } });
    expect(d.currentVersionId).toBeNull();
    expect(await ctx.db.datasetVersion.count({ where: { datasetId: r.outputId } })).toBe(0);
  }, 300_000);

  it("cancel stops the Python scorer and publishes nothing", async () => {
    const [forest] = await trainAndDeploy("churn_big", {
      task: "binary",
      target: "churned",
      metric: "auc",
      algorithms: [{ algorithm: "randomForest", nTrees: 200, maxDepth: 12, minSamplesLeaf: 1 }],
    });
    const many = await addSource(ctx, projectId, "many", ROWS_SQL, 3_000_000);
    const r = await addRecipe(ctx.db, projectId, {
      name: "score_many",
      spec: score(forest!.runtime),
      inputs: [many],
      output: "many_scored",
    });
    const j = await submitBuild(ctx.db, queue, projectId, [r.outputId], "build-only-this");
    // Python is running once the activity has its staging prefix.
    const staging = await waitFor(
      "the scorer to start",
      async () => (await ctx.db.jobActivity.findFirst({ where: { jobId: j.jobId } }))?.stagingPrefix ?? null,
      120_000,
    );
    await ctx.db.job.update({ where: { id: j.jobId }, data: { cancelRequestedAt: new Date() } });
    const done = await waitForJobRow(ctx.db, j.jobId, 120_000);
    expect(done.state).toBe("CANCELLED");
    expect(await ctx.db.datasetVersion.count({ where: { datasetId: r.outputId } })).toBe(0);
    // The half-written output went with the cancel.
    expect(await ctx.storage.list(staging)).toEqual([]);
  }, 400_000);
});
