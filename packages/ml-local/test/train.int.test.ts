import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import {
  type Algorithm,
  ModelChartsSchema,
  type PortableModel,
  PortableModelSchema,
  scorePortable,
  type TrainRequest,
  type TrainResult,
} from "@sous/ml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mlLocalAvailability, trainLocal } from "../src/index.ts";

// The real trainer (the venv's scikit-learn) on a seeded Parquet written by DuckDB, and the
// TypeScript scorer checked against scikit-learn's own predictions on every test row.
const available = mlLocalAvailability();
const title = available.ok
  ? "local trainer (the venv's scikit-learn)"
  : `local trainer: SKIPPED, ${available.reason}`;

const ROWS = 4000;
let dir: string;
let parquet: string;

// Deterministic without a random seed: each "random" draw is a hash of the row number.
const u = (k: number) => `((hash(i * 10 + ${k}) % 1000000)::DOUBLE / 1000000)`;
const SEED_SQL = `
  WITH base AS (
    SELECT i,
      CASE WHEN i % 13 = 0 THEN NULL ELSE ${u(1)} * 20 - 10 END AS x1,
      ${u(2)} * 100 AS x2,
      CASE WHEN i % 11 = 0 THEN NULL
        ELSE ['red', 'green', 'blue', 'black', 'white', 'pink', 'gold'][1 + (hash(i * 10 + 3) % 7)::INT] END AS colour,
      ${u(4)} AS noise,
      1000 + ${u(5)} / 4 AS fine
    FROM range(${ROWS}) t(i)
  )
  SELECT x1, x2, colour,
    coalesce(x1, 0) + (x2 - 50) / 10
      + CASE colour WHEN 'red' THEN 4 WHEN 'blue' THEN -4 ELSE 0 END + noise * 6 - 3 > 0 AS label,
    3 * coalesce(x1, 0) + 0.5 * x2 + CASE colour WHEN 'gold' THEN 7 ELSE 0 END + noise * 2 AS amount,
    CASE WHEN x2 + coalesce(x1, 0) * 3 + noise * 10 < 35 THEN 'low'
      WHEN x2 + coalesce(x1, 0) * 3 + noise * 10 < 70 THEN 'mid' ELSE 'high' END AS band,
    1 AS constant,
    -- Dense values whose float32 roundings straddle a deep tree's thresholds (see the trap test).
    fine, sin(fine * 10000) > 0 AS wave
  FROM base`;

const features: TrainRequest["features"] = [
  { name: "x1", type: "numeric", impute: { method: "mean" }, rescale: "standard" },
  { name: "x2", type: "numeric", impute: { method: "median" }, rescale: "minmax" },
  { name: "colour", type: "categorical", impute: { method: "most_frequent" }, maxLevels: 4 },
];
const tree = { maxDepth: 8, minSamplesLeaf: 3 };

function request(
  over: Partial<TrainRequest> & Pick<TrainRequest, "task" | "target" | "metric" | "algorithms">,
) {
  return {
    parquet,
    features,
    validation: { kind: "random_split", testRatio: 0.2, seed: 42 },
    outputDir: path.join(dir, over.target),
    sampleRows: 800,
    ...over,
  } satisfies TrainRequest;
}

/** Max abs difference between scorePortable and scikit-learn on the sampled test rows. */
function agreement(
  result: TrainResult & { ok: true },
  outputDir: string,
  change: (m: PortableModel) => PortableModel = (m) => m,
) {
  return result.models.map((m) => {
    const model = change(
      PortableModelSchema.parse(JSON.parse(readFileSync(path.join(outputDir, m.portable!), "utf8"))),
    );
    let maxDiff = 0;
    let labelMismatches = 0;
    result.sample.forEach((row, r) => {
      const score = scorePortable(model, row);
      const expected = m.sample.prediction[r];
      if (typeof score.prediction === "number" && typeof expected === "number")
        maxDiff = Math.max(maxDiff, Math.abs(score.prediction - expected));
      else if (score.prediction !== expected) labelMismatches++;
      m.sample.probabilities?.[r]?.forEach((p, k) => {
        maxDiff = Math.max(maxDiff, Math.abs(p - score.probabilities![k]!));
      });
    });
    return { algorithm: m.algorithm.algorithm, maxDiff, labelMismatches, trainMs: m.trainMs };
  });
}

// Each run pays the import of scikit-learn: seconds, tens of them on a busy two-core machine.
describe.skipIf(!available.ok)(title, { timeout: 180_000 }, () => {
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "sous-ml-"));
    parquet = path.join(dir, "data.parquet");
    const db = await DuckDBInstance.create(":memory:");
    const c = await db.connect();
    await c.run(`COPY (${SEED_SQL}) TO '${parquet}' (FORMAT parquet)`);
    c.closeSync();
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const classifiers: Algorithm[] = [
    { algorithm: "logistic", C: 1, maxIter: 1000 },
    { algorithm: "decisionTree", ...tree },
    { algorithm: "randomForest", nTrees: 30, ...tree },
  ];

  it("trains a binary target: sensible metrics, and the portable scorer equals predict_proba", async () => {
    const req = request({ task: "binary", target: "label", metric: "auc", algorithms: classifiers });
    const result = await trainLocal(req);
    if (!result.ok) throw new Error(result.error.message);
    expect(result.classes).toEqual([false, true]);
    expect(result.rows).toEqual({ read: ROWS, withoutTarget: 0, train: 3200, test: 800 });
    for (const m of result.models) {
      expect(m.metrics.auc, m.algorithm.algorithm).toBeGreaterThan(0.8);
      expect(m.metrics.accuracy).toBeGreaterThan(0.7);
      expect(Object.keys(m.metrics).sort()).toEqual([
        "accuracy",
        "auc",
        "f1",
        "lift",
        "logLoss",
        "precision",
        "recall",
      ]);
      // The positives are about half the rows: the top 10 % of scores cannot be more than 2x richer.
      expect(m.metrics.lift).toBeGreaterThan(1.3);
      expect(m.metrics.lift).toBeLessThanOrEqual(1 / 0.45);
      const charts = ModelChartsSchema.parse(
        JSON.parse(readFileSync(path.join(req.outputDir, m.charts!), "utf8")),
      );
      // The ROC curve runs from (0,0) to (1,1); its trapezoid area is the reported AUC.
      const roc = charts.roc!;
      expect(roc[0]).toEqual([0, 0]);
      expect(roc.at(-1)).toEqual([1, 1]);
      let area = 0;
      for (let i = 1; i < roc.length; i++)
        area += (roc[i]![0] - roc[i - 1]![0]) * ((roc[i]![1] + roc[i - 1]![1]) / 2);
      expect(Math.abs(area - m.metrics.auc!)).toBeLessThan(0.01);
      // Every test row is in the score histogram and the confusion matrix, once.
      const h = charts.scoreHistogram!;
      expect(h.positives).toHaveLength(100);
      expect([...h.positives, ...h.negatives].reduce((a, b) => a + b)).toBe(800);
      expect(charts.confusion!.flat().reduce((a, b) => a + b)).toBe(800);
      // At threshold 0.5 the histogram gives the confusion matrix's true positives.
      expect(h.positives.slice(50).reduce((a, b) => a + b)).toBe(charts.confusion![1]![1]);
      const importance = charts.importances.reduce((a, b) => a + b.importance, 0);
      expect(importance).toBeCloseTo(1, 9);
      // x1 and x2 drive the label; the colour only shifts it for two of seven levels.
      expect(charts.importances.map((i) => i.feature).sort()).toEqual(["colour", "x1", "x2"]);
    }
    const bestAuc = Math.max(...result.models.map((m) => m.metrics.auc!));
    expect(result.models[result.best.index]!.metrics.auc).toBe(bestAuc);
    expect(result.sample).toHaveLength(800);
    // The sample has imputed cells on both kinds of feature.
    expect(result.sample.some((r) => r.x1 === null)).toBe(true);
    expect(result.sample.some((r) => r.colour === null)).toBe(true);
    const agree = agreement(result, req.outputDir);
    console.log("ml binary:", JSON.stringify(agree));
    for (const a of agree) {
      expect(a.labelMismatches, a.algorithm).toBe(0);
      expect(a.maxDiff, a.algorithm).toBeLessThan(1e-9);
    }
  });

  it("trains a regression target: R2, RMSE, MAE, and the scorer equals predict", async () => {
    const req = request({
      task: "regression",
      target: "amount",
      metric: "rmse",
      algorithms: [
        { algorithm: "linear", alpha: 1 },
        { algorithm: "decisionTree", ...tree },
        { algorithm: "randomForest", nTrees: 30, ...tree },
      ],
    });
    const result = await trainLocal(req);
    if (!result.ok) throw new Error(result.error.message);
    expect(result.classes).toBeNull();
    for (const m of result.models) {
      expect(m.metrics.r2, m.algorithm.algorithm).toBeGreaterThan(0.8);
      expect(m.metrics.mape).toBeGreaterThan(0);
      const charts = ModelChartsSchema.parse(
        JSON.parse(readFileSync(path.join(req.outputDir, m.charts!), "utf8")),
      );
      expect(charts.scatter).toHaveLength(800);
      expect(charts.residuals!.counts.reduce((a, b) => a + b)).toBe(800);
    }
    const bestRmse = Math.min(...result.models.map((m) => m.metrics.rmse!));
    expect(result.models[result.best.index]!.metrics.rmse).toBe(bestRmse);
    const agree = agreement(result, req.outputDir);
    console.log("ml regression:", JSON.stringify(agree));
    for (const a of agree) expect(a.maxDiff, a.algorithm).toBeLessThan(1e-9);
  });

  it("trains a multiclass target: softmax and forest probabilities equal predict_proba", async () => {
    const req = request({
      task: "multiclass",
      target: "band",
      metric: "macroF1",
      algorithms: [classifiers[0]!, classifiers[2]!],
    });
    const result = await trainLocal(req);
    if (!result.ok) throw new Error(result.error.message);
    expect(result.classes).toEqual(["high", "low", "mid"]);
    for (const m of result.models) {
      expect(Object.keys(m.metrics).sort()).toEqual(["accuracy", "logLoss", "macroF1"]);
      expect(m.metrics.accuracy, m.algorithm.algorithm).toBeGreaterThan(0.7);
    }
    const agree = agreement(result, req.outputDir);
    console.log("ml multiclass:", JSON.stringify(agree));
    for (const a of agree) {
      expect(a.labelMismatches, a.algorithm).toBe(0);
      expect(a.maxDiff, a.algorithm).toBeLessThan(1e-9);
    }
  });

  it("compares tree inputs in float32 as scikit-learn does: in float64 some test rows go the other way", async () => {
    const req = request({
      task: "binary",
      target: "wave",
      metric: "accuracy",
      features: [{ name: "fine", type: "numeric", impute: { method: "mean" }, rescale: "none" }],
      algorithms: [{ algorithm: "decisionTree", maxDepth: null, minSamplesLeaf: 1 }],
    });
    const result = await trainLocal(req);
    if (!result.ok) throw new Error(result.error.message);
    const [asSklearn] = agreement(result, req.outputDir);
    const [float64] = agreement(result, req.outputDir, (m) =>
      m.model.kind === "trees" ? { ...m, model: { ...m.model, inputFloat32: false } } : m,
    );
    console.log("ml float32 trap:", JSON.stringify({ asSklearn, float64 }));
    expect(asSklearn!.labelMismatches).toBe(0);
    expect(asSklearn!.maxDiff).toBe(0);
    // The trap is real on this data: comparing in float64 disagrees with scikit-learn.
    expect(float64!.labelMismatches).toBeGreaterThan(0);
  });

  it("refuses a constant target with a message that says why, and writes nothing", async () => {
    const req = request({
      task: "binary",
      target: "constant",
      metric: "auc",
      algorithms: [classifiers[0]!],
    });
    const result = await trainLocal(req);
    expect(result).toEqual({
      ok: false,
      error: {
        code: "ML_TARGET_CONSTANT",
        message: expect.stringContaining("single value (1) on every row: there is nothing to learn"),
      },
    });
    expect(existsSync(req.outputDir)).toBe(false);
  });

  it("names a column the dataset lacks", async () => {
    const result = await trainLocal(
      request({
        task: "regression",
        target: "amount",
        metric: "r2",
        features: [{ name: "nope", type: "categorical", impute: { method: "most_frequent" }, maxLevels: 3 }],
        algorithms: [{ algorithm: "linear", alpha: 1 }],
      }),
    );
    expect(result).toMatchObject({
      ok: false,
      error: { code: "ML_COLUMN_NOT_FOUND", message: expect.stringContaining("nope") },
    });
  });
});

describe.skipIf(!available.ok)("trainLocal: cancel and timeout", () => {
  const req = {
    parquet: "/nonexistent.parquet",
    task: "regression",
    target: "y",
    features: [{ name: "x", type: "numeric", impute: { method: "mean" }, rescale: "none" }],
    validation: { kind: "random_split", testRatio: 0.2, seed: 1 },
    algorithms: [{ algorithm: "linear", alpha: 1 }],
    metric: "r2",
    outputDir: "/tmp/sous-ml-never",
  } satisfies TrainRequest;

  it("kills the trainer when the job is cancelled", async () => {
    const controller = new AbortController();
    const training = trainLocal(req, { signal: controller.signal });
    controller.abort();
    await expect(training).rejects.toMatchObject({ code: "conflict", message: "training was cancelled" });
  });

  // The machine's own python3 stands for a venv built before scikit-learn was in requirements.txt.
  const bare = spawnSync("python3", ["-c", "import sys; print(sys.executable)"], {
    encoding: "utf8",
  }).stdout?.trim();
  const bareHasSklearn = bare ? spawnSync(bare, ["-c", "import sklearn"]).status === 0 : true;
  it.skipIf(bareHasSklearn)("says to run the bootstrap when the environment lacks scikit-learn", async () => {
    await expect(trainLocal(req, { python: bare })).rejects.toMatchObject({
      code: "unavailable",
      message: expect.stringContaining(
        "scikit-learn is not in the Python environment: run `node scripts/bootstrap.mjs`",
      ),
    });
  });

  it("kills the trainer past its timeout and says so", async () => {
    await expect(trainLocal(req, { timeoutMs: 100 })).rejects.toMatchObject({
      code: "engine_error",
      message: expect.stringContaining("the trainer was stopped (SIGKILL)"),
    });
  });
});

describe("trainLocal without a trainer", () => {
  it("refuses an invalid request before starting Python", async () => {
    await expect(
      trainLocal(
        {
          parquet: "/x.parquet",
          task: "regression",
          target: "y",
          features: [{ name: "y", type: "numeric", impute: { method: "mean" }, rescale: "none" }],
          validation: { kind: "random_split", testRatio: 0.2, seed: 1 },
          algorithms: [{ algorithm: "logistic", C: 1, maxIter: 100 }],
          metric: "auc",
          outputDir: "/tmp/x",
        },
        { python: "/nonexistent/python" },
      ),
    ).rejects.toMatchObject({
      code: "invalid_input",
      message: expect.stringMatching(
        /auc is not a regression metric.*cannot be a feature.*needs a class target/s,
      ),
    });
  });

  it("says how to get a Python environment when there is none", async () => {
    expect(mlLocalAvailability("/nonexistent/.venv/bin/python")).toEqual({
      ok: false,
      reason: expect.stringContaining("run `node scripts/bootstrap.mjs`"),
    });
  });
});
