import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { AppError } from "@sous/contracts";
import {
  engineProblems,
  type Metric,
  type MlTask,
  mllibTrainScript,
  type TrainRequest,
  TrainResultSchema,
} from "@sous/ml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mlLocalAvailability, PythonScorer, trainLocal } from "../src/index.ts";

// XGBoost as a Lab algorithm on the real trainer: each task trains with a small grid, writes no
// portable form (XGBoost's float32 sums have no exact SQL form), and the Python scoring pool gives
// the trainer's own predict/predict_proba back from the pickle, unseen levels and NULLs included.
// Databricks refuses it before anything runs.
const available = mlLocalAvailability();
const title = available.ok
  ? "local trainer: XGBoost"
  : `local trainer, XGBoost: SKIPPED, ${available.reason}`;

const u = (k: number) => `((hash(i * 10 + ${k}) % 1000000)::DOUBLE / 1000000)`;
const SEED_SQL = `
  WITH base AS (
    SELECT i, CASE WHEN i % 13 = 0 THEN NULL ELSE ${u(1)} * 20 - 10 END AS x1, ${u(2)} * 100 AS x2,
      CASE WHEN i % 11 = 0 THEN NULL ELSE ['red', 'green', 'blue', 'black', 'white'][1 + (hash(i * 10 + 3) % 5)::INT] END AS colour,
      ${u(4)} AS noise
    FROM range(1500) t(i))
  SELECT x1, x2, colour,
    coalesce(x1, 0) + (x2 - 50) / 10 + CASE colour WHEN 'red' THEN 4 ELSE 0 END + noise * 6 - 3 > 0 AS label,
    CASE WHEN x2 + coalesce(x1, 0) * 3 < 35 THEN 'low' WHEN x2 + coalesce(x1, 0) * 3 < 70 THEN 'mid' ELSE 'high' END AS band,
    3 * coalesce(x1, 0) + 0.5 * x2 + noise * 2 AS amount
  FROM base`;
const features: TrainRequest["features"] = [
  { name: "x1", type: "numeric", impute: { method: "mean" }, rescale: "standard" },
  { name: "x2", type: "numeric", impute: { method: "median" }, rescale: "minmax" },
  { name: "colour", type: "categorical", impute: { method: "most_frequent" }, maxLevels: 3 },
];
const xgboost = {
  algorithm: "xgboost" as const,
  nTrees: 30,
  learningRate: 0.3,
  maxDepth: 3,
  grid: { nTrees: [15, 40], maxDepth: [2, 4] },
};

let dir: string;
let scorer: PythonScorer;

describe("XGBoost and the engines", () => {
  const request = (task: MlTask, target: string, metric: Metric): TrainRequest => ({
    parquet: path.join(dir ?? tmpdir(), "data.parquet"),
    task,
    target,
    features,
    validation: { kind: "random_split", testRatio: 0.2, seed: 3 },
    algorithms: [xgboost],
    metric,
    outputDir: path.join(dir ?? tmpdir(), task),
    sampleRows: 300,
  });
  it("is local only: Databricks refuses it before training, saying so", () => {
    const r = request("binary", "label", "auc");
    expect(engineProblems(r, "local")).toEqual([]);
    const problems = engineProblems(r, "databricks");
    expect(problems).toEqual([
      { path: "algorithms.0", message: expect.stringMatching(/not offered on Databricks/) },
    ]);
    const { parquet: _p, outputDir: _o, ...mllib } = r;
    expect(() => mllibTrainScript(mllib, { input: "dbfs:/in", output: "dbfs:/out" })).toThrow(AppError);
    expect(() => mllibTrainScript(mllib, { input: "dbfs:/in", output: "dbfs:/out" })).toThrow(
      /not offered on Databricks/,
    );
  });
});

describe.skipIf(!available.ok)(title, { timeout: 240_000 }, () => {
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "sous-ml-xgb-"));
    const db = await DuckDBInstance.create(":memory:");
    const c = await db.connect();
    await c.run(`COPY (${SEED_SQL}) TO '${path.join(dir, "data.parquet")}' (FORMAT parquet)`);
    c.closeSync();
    scorer = new PythonScorer({ size: 1 });
  });
  afterAll(async () => {
    await scorer?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const cases: [MlTask, string, Metric, number][] = [
    ["binary", "label", "auc", 0.9],
    ["multiclass", "band", "accuracy", 0.8],
    ["regression", "amount", "r2", 0.9],
  ];
  for (const [task, target, metric, floor] of cases)
    it(`${task}: a grid search, sensible metrics, no portable form, and the Python pool scores it as the trainer did`, async () => {
      const result = TrainResultSchema.parse(
        await trainLocal({
          parquet: path.join(dir, "data.parquet"),
          task,
          target,
          features,
          validation: { kind: "random_split", testRatio: 0.2, seed: 3 },
          algorithms: [xgboost],
          metric,
          outputDir: path.join(dir, task),
          sampleRows: 300,
        }),
      );
      if (!result.ok) throw new Error(result.error.message);
      const m = result.models[0]!;
      expect(m.metrics[metric]).toBeGreaterThan(floor);
      expect(m.search?.tried).toHaveLength(4);
      expect(m.algorithm).toMatchObject({ algorithm: "xgboost" });
      expect(m.portable).toBeUndefined();
      expect(existsSync(path.join(dir, task, path.dirname(m.pickle), "portable.json"))).toBe(false);
      const model = { pickle: path.join(dir, task, m.pickle), task, classes: result.classes, features };
      const got = await scorer.score(model, result.sample);
      let maxDiff = 0;
      got.predictions.forEach((p, r) => {
        if (task === "regression")
          maxDiff = Math.max(maxDiff, Math.abs((p as number) - (m.sample.prediction[r] as number)));
        else expect(p).toBe(m.sample.prediction[r]);
        m.sample.probabilities?.[r]?.forEach((q, k) => {
          maxDiff = Math.max(maxDiff, Math.abs(q - got.probabilities![r]![k]!));
        });
      });
      expect(maxDiff).toBeLessThan(1e-9);
      // An unseen level and every cell missing still score (imputed; "others" for the level).
      const odd = await scorer.score(model, [{ x1: null, x2: null, colour: "ultraviolet" }, {}]);
      expect(odd.predictions).toHaveLength(2);
      if (task !== "regression")
        for (const p of odd.probabilities!) expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
      console.log(
        `[xgboost local] ${task}: ${metric} ${m.metrics[metric]?.toFixed(4)}, grid best ${JSON.stringify(m.search?.tried[m.search.best]?.params)}, pool vs trainer max diff ${maxDiff}`,
      );
    });
});
