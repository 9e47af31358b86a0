import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { ModelChartsSchema, type TrainRequest, type TrainResult } from "@sous/ml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mlLocalAvailability, trainLocal } from "../src/index.ts";

// Validation kinds, hyperparameter searches and class weights in the real trainer (the venv's
// scikit-learn) on a seeded Parquet written by DuckDB, each checked for its effect: the grid keeps
// the combination with the best validation score, k-fold reports mean ± std over the folds, the
// time split tests on the latest rows, and balanced weights find more of a rare class.
const available = mlLocalAvailability();
const title = available.ok
  ? "local trainer: validation, search and class weights"
  : `local trainer search: SKIPPED, ${available.reason}`;

const ROWS = 2000;
let dir: string;
let parquet: string;
/** Per row, in the file's order: the day number (days since 2024-01-01). */
let days: number[];

const u = (k: number) => `((hash(i * 10 + ${k}) % 1000000)::DOUBLE / 1000000)`;
// The file's rows are not in time order (day is a hash), so a time split has to sort. `xor` is an
// interaction a depth-1 tree cannot learn; `rare` is true on about 7 % of the rows.
const SEED_SQL = `
  WITH base AS (
    SELECT i, ${u(1)} * 20 - 10 AS x1, ${u(2)} * 100 AS x2, ${u(4)} AS noise,
      ['red', 'green', 'blue', 'black'][1 + (hash(i * 10 + 3) % 4)::INT] AS colour,
      (hash(i * 10 + 5) % 730)::INT AS t
    FROM range(${ROWS}) t(i)
  )
  SELECT x1, x2, colour, t, DATE '2024-01-01' + t AS day,
    ((x1 > 0) != (x2 > 50)) != (noise < 0.1) AS xor,
    x1 + (x2 - 50) / 10 + noise * 8 > 14 AS rare,
    3 * x1 + 0.5 * x2 + t / 50 + noise * 4 AS amount
  FROM base`;

const features: TrainRequest["features"] = [
  { name: "x1", type: "numeric", impute: { method: "mean" }, rescale: "standard" },
  { name: "x2", type: "numeric", impute: { method: "mean" }, rescale: "standard" },
  { name: "t", type: "numeric", impute: { method: "mean" }, rescale: "none" },
  { name: "colour", type: "categorical", impute: { method: "most_frequent" }, maxLevels: 4 },
];

async function train(name: string, over: Partial<TrainRequest>) {
  const result = await trainLocal({
    parquet,
    task: "binary",
    target: "xor",
    features,
    validation: { kind: "random_split", testRatio: 0.2, seed: 5 },
    algorithms: [{ algorithm: "logistic", C: 1, maxIter: 1000 }],
    metric: "auc",
    outputDir: path.join(dir, name),
    sampleRows: 1000,
    ...over,
  });
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result as TrainResult & { ok: true };
}

describe.skipIf(!available.ok)(title, { timeout: 300_000 }, () => {
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "sous-ml-search-"));
    parquet = path.join(dir, "data.parquet");
    const db = await DuckDBInstance.create(":memory:");
    const c = await db.connect();
    await c.run(`COPY (${SEED_SQL}) TO '${parquet}' (FORMAT parquet)`);
    const r = await c.runAndReadAll(`SELECT t FROM '${parquet}'`);
    days = r.getRows().map((row) => Number(row[0]));
    c.closeSync();
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("k-fold with a grid: every combination cross-validated, the best by the metric kept and refitted on all rows", async () => {
    const result = await train("kfold", {
      validation: { kind: "kfold", k: 5, seed: 3 },
      algorithms: [
        {
          algorithm: "decisionTree",
          maxDepth: 4,
          minSamplesLeaf: 5,
          grid: { maxDepth: [1, 2, 6], minSamplesLeaf: [5, 50] },
        },
        { algorithm: "logistic", C: 1, maxIter: 1000 },
      ],
    });
    expect(result.rows).toMatchObject({ train: ROWS, test: ROWS, folds: 5 });
    const [tree, logistic] = result.models;
    const search = tree!.search!;
    expect(search.gridSize).toBe(6);
    expect(search.tried.map((t) => t.params)).toEqual([
      { maxDepth: 1, minSamplesLeaf: 5 },
      { maxDepth: 1, minSamplesLeaf: 50 },
      { maxDepth: 2, minSamplesLeaf: 5 },
      { maxDepth: 2, minSamplesLeaf: 50 },
      { maxDepth: 6, minSamplesLeaf: 5 },
      { maxDepth: 6, minSamplesLeaf: 50 },
    ]);
    const scores = search.tried.map((t) => t.score!);
    // The kept combination is the best validation AUC, and the model is trained with it.
    expect(search.best).toBe(scores.indexOf(Math.max(...scores)));
    expect(tree!.algorithm).toEqual({ algorithm: "decisionTree", ...search.tried[search.best]!.params });
    // The interaction needs depth: one split is near chance, six levels learn it.
    expect(Math.max(scores[0]!, scores[1]!)).toBeLessThan(0.65);
    expect(scores[search.best]!).toBeGreaterThan(0.8);
    expect((search.tried[search.best]!.params as { maxDepth: number }).maxDepth).toBe(6);
    // Its metrics are the mean over the folds, with their deviation.
    expect(tree!.metrics.auc).toBeCloseTo(scores[search.best]!, 12);
    expect(tree!.metricsStd?.auc).toBeGreaterThan(0);
    expect(tree!.metricsStd?.auc).toBeLessThan(0.1);
    expect(search.tried[search.best]!.std).toBe(tree!.metricsStd?.auc);
    // Without a grid, k-fold still reports mean ± std (no search table).
    expect(logistic!.search).toBeUndefined();
    expect(logistic!.metricsStd?.accuracy).toBeGreaterThan(0);
    expect(result.best.index).toBe(0);
    // The charts come from every row's out-of-fold prediction.
    const charts = ModelChartsSchema.parse(
      JSON.parse(readFileSync(path.join(dir, "kfold", tree!.charts!), "utf8")),
    );
    const confusion = charts.confusion!.flat().reduce((a, b) => a + b, 0);
    expect(confusion).toBe(ROWS);
  });

  it("time split with a random search: the test rows are the latest, the budget bounds the combinations", async () => {
    const result = await train("time", {
      task: "regression",
      target: "amount",
      metric: "rmse",
      validation: { kind: "time_split", column: "day", testRatio: 0.25 },
      algorithms: [
        {
          algorithm: "gbt",
          nTrees: 20,
          learningRate: 0.1,
          maxDepth: 3,
          minSamplesLeaf: 1,
          grid: { nTrees: [5, 40], learningRate: [0.05, 0.3], maxDepth: [2, 4] },
        },
      ],
      search: { kind: "random", budget: 3, seed: 11 },
    });
    const nTest = Math.ceil(ROWS * 0.25);
    expect(result.rows).toMatchObject({ train: ROWS - nTest, test: nTest });
    const sorted = [...days].sort((a, b) => a - b);
    const day = (n: number) => new Date(Date.UTC(2024, 0, 1) + n * 86_400_000).toISOString().slice(0, 10);
    expect(result.timeSplit).toEqual({
      column: "day",
      trainUntil: day(sorted[ROWS - nTest - 1]!),
      testFrom: day(sorted[ROWS - nTest]!),
    });
    // Every sampled test row (in test order) is on or after the first test day.
    expect(result.sample).toHaveLength(nTest);
    for (const row of result.sample) expect(row.t as number).toBeGreaterThanOrEqual(sorted[ROWS - nTest]!);
    const search = result.models[0]!.search!;
    expect(search.gridSize).toBe(8);
    expect(search.tried).toHaveLength(3);
    expect(new Set(search.tried.map((t) => JSON.stringify(t.params))).size).toBe(3);
    const scores = search.tried.map((t) => t.score!);
    // Lower RMSE is better.
    expect(search.best).toBe(scores.indexOf(Math.min(...scores)));
    expect(result.models[0]!.metricsStd).toBeUndefined();
  });

  it("balanced class weights find more of a rare class", async () => {
    const base = {
      target: "rare",
      metric: "recall" as const,
      validation: { kind: "random_split" as const, testRatio: 0.3, seed: 9 },
    };
    const plain = await train("plain", base);
    const weighted = await train("weighted", { ...base, classWeights: "balanced" });
    expect(plain.classes).toEqual([false, true]);
    const recall = (r: TrainResult & { ok: true }) => r.models[0]!.metrics.recall!;
    // Same rows, same model: only the weights differ.
    expect(weighted.rows).toEqual(plain.rows);
    expect(recall(weighted)).toBeGreaterThan(recall(plain) + 0.2);
    expect(recall(weighted)).toBeGreaterThan(0.85);
  });
});
