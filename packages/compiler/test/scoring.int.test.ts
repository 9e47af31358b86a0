import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import type { DatasetSchema } from "@sous/contracts";
import {
  type Algorithm,
  compileScorer,
  PortableModelSchema,
  type TrainRequest,
  type TrainResult,
} from "@sous/ml";
import { defaultPython, mlLocalAvailability, repoRoot, trainLocal } from "@sous/ml-local";
import {
  connectSharedSpark,
  type SparkLocal,
  type SparkValue,
  sparkLocalAvailability,
  startSparkLocal,
} from "@sous/spark-local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileScoringSql } from "../src/index.ts";

// Real models (the trainer's scikit-learn) compiled to SQL and run on real DuckDB and real local
// Spark, over test rows with NULLs plus rows with levels the model never saw. The oracles:
// scikit-learn's own predictions (the trainer's sample, and model.pkl's predict_proba on the
// scored Parquet) for the model, and running the Spark SQL on Spark for the Spark dialect.

const ml = mlLocalAvailability();
const spark_ = sparkLocalAvailability();
const title =
  ml.ok && spark_.ok
    ? "scoring SQL of trained models on DuckDB and Spark"
    : `scoring SQL: SKIPPED, ${ml.ok ? "" : ml.reason} ${spark_.ok ? "" : spark_.reason}`;

const ROWS = 3000;
const TOLERANCE = 1e-9;
const u = (k: number) => `((hash(i * 10 + ${k}) % 1000000)::DOUBLE / 1000000)`;
const SEED_SQL = `
  WITH base AS (
    SELECT i,
      CASE WHEN i % 13 = 0 THEN NULL ELSE ${u(1)} * 20 - 10 END AS x1,
      ${u(2)} * 100 AS x2,
      CASE WHEN i % 17 = 0 THEN NULL ELSE ${u(6)} * 3 END AS x3,
      CASE WHEN i % 11 = 0 THEN NULL
        ELSE ['red', 'green', 'blue', 'black', 'white', 'pink', 'gold'][1 + (hash(i * 10 + 3) % 7)::INT] END AS colour,
      ['circle', 'square', 'triangle'][1 + (hash(i * 10 + 7) % 3)::INT] AS shape,
      CASE WHEN i % 19 = 0 THEN NULL ELSE 1 + (hash(i * 10 + 8) % 5)::INT END AS size,
      CASE WHEN i % 23 = 0 THEN NULL ELSE hash(i * 10 + 9) % 3 = 0 END AS flag,
      ${u(4)} AS noise,
      1000 + ${u(5)} / 4 AS fine
    FROM range(${ROWS}) t(i)
  )
  SELECT x1, x2, x3, colour, shape, size, flag,
    -- Dense values whose float32 roundings straddle a deep tree's thresholds.
    fine, sin(fine * 10000) > 0 AS wave,
    coalesce(x1, 0) + (x2 - 50) / 10 + coalesce(size, 3) - 3
      + CASE colour WHEN 'red' THEN 4 WHEN 'blue' THEN -4 ELSE 0 END
      + CASE WHEN flag THEN 2 ELSE 0 END + noise * 6 - 3 > 0 AS label,
    3 * coalesce(x1, 0) + 0.5 * x2 + CASE colour WHEN 'gold' THEN 7 ELSE 0 END
      + CASE shape WHEN 'square' THEN 5 ELSE 0 END + coalesce(x3, 1) * 4 + noise * 2 AS amount,
    CASE WHEN x2 + coalesce(x1, 0) * 3 + noise * 10 + CASE shape WHEN 'circle' THEN 15 ELSE 0 END < 35 THEN 'low'
      WHEN x2 + coalesce(x1, 0) * 3 + noise * 10 < 70 THEN 'mid' ELSE 'high' END AS band
  FROM base`;

const features: TrainRequest["features"] = [
  { name: "x1", type: "numeric", impute: { method: "mean" }, rescale: "standard" },
  { name: "x2", type: "numeric", impute: { method: "median" }, rescale: "minmax" },
  { name: "x3", type: "numeric", impute: { method: "constant", value: -1 }, rescale: "none" },
  // Grouped levels: an "others" column, which unseen levels join.
  { name: "colour", type: "categorical", impute: { method: "most_frequent" }, maxLevels: 4 },
  // Every level kept: no "others", an unseen level is all zeros.
  { name: "shape", type: "categorical", impute: { method: "constant", value: "circle" }, maxLevels: 10 },
  // An integer column and a boolean column handled as categories.
  { name: "size", type: "categorical", impute: { method: "most_frequent" }, maxLevels: 3 },
  { name: "flag", type: "categorical", impute: { method: "constant", value: "false" }, maxLevels: 5 },
];
const SCHEMA: DatasetSchema = [
  { name: "rid", type: "integer" },
  { name: "x1", type: "double" },
  { name: "x2", type: "double" },
  { name: "x3", type: "double" },
  { name: "colour", type: "string" },
  { name: "shape", type: "string" },
  { name: "size", type: "integer" },
  { name: "flag", type: "boolean" },
];
const tree = { maxDepth: 8, minSamplesLeaf: 3 };

let dir: string;
let parquet: string;
let db: DuckDBInstance;
let conn: DuckDBConnection;
let spark: SparkLocal;

type Scored = Record<string, unknown>[];

/** sklearn's predictions on the rows of a Parquet file, through model.pkl (sous_ml.predict). */
function sklearnPredict(pickle: string, rows: string, task: string): string {
  const output = path.join(dir, `sk-${path.basename(path.dirname(pickle))}-${task}.parquet`);
  const run = spawnSync(defaultPython, ["-m", "sous_ml.predict", "-"], {
    cwd: path.join(repoRoot, "python"),
    env: { ...process.env, PYTHONPATH: path.join(repoRoot, "python") },
    input: JSON.stringify({ pickle, parquet: rows, features, task, output, keep: ["rid"] }),
    encoding: "utf8",
  });
  if (run.status !== 0) throw new Error(`sous_ml.predict failed: ${run.stderr}`);
  return output;
}

async function duck(sql: string): Promise<Scored> {
  return (await conn.runAndReadAll(sql)).getRowObjectsJS() as Scored;
}

async function onSpark(sql: string): Promise<Scored> {
  const r = await spark.sql(sql, {}, { maxRows: 100_000 });
  if (!r.ok) throw new Error(`Spark: ${r.errorClass}: ${r.message}`);
  return r.rows.map((row: SparkValue[]) => Object.fromEntries(r.columns.map((c, i) => [c.name, row[i]])));
}

const plain = (v: unknown) => (typeof v === "bigint" ? Number(v) : v);

/** Max abs difference of predictions (numbers) and probabilities; label mismatches counted. */
function compare(got: Scored, want: Scored, probaColumns: string[], regression: boolean) {
  expect(got.map((r) => plain(r.rid))).toEqual(want.map((r) => plain(r.rid)));
  let maxDiff = 0;
  let labelMismatches = 0;
  got.forEach((g, i) => {
    const w = want[i]!;
    if (regression)
      maxDiff = Math.max(maxDiff, Math.abs((g.prediction as number) - (w.prediction as number)));
    else if (plain(g.prediction) !== plain(w.prediction)) labelMismatches++;
    probaColumns.forEach((c, k) => {
      maxDiff = Math.max(maxDiff, Math.abs((g[c] as number) - (w[`p${k}`] as number)));
    });
  });
  return { maxDiff, labelMismatches };
}

describe.skipIf(!ml.ok || !spark_.ok)(title, { timeout: 300_000 }, () => {
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "sous-scoring-"));
    parquet = path.join(dir, "train.parquet");
    db = await DuckDBInstance.create(":memory:");
    conn = await db.connect();
    await conn.run(`COPY (${SEED_SQL}) TO '${parquet}' (FORMAT parquet)`);
    const socketPath = process.env.SOUS_SPARK_SOCKET;
    spark = socketPath
      ? await connectSharedSpark({ socketPath })
      : await startSparkLocal({ driverMemory: "1g" });
  }, 300_000);
  afterAll(async () => {
    await spark?.stop();
    conn?.closeSync();
    db?.closeSync();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /**
   * Trains, then writes the rows to score: the trainer's sampled test rows (rid < 1000), and the
   * first 100 of them again with levels the model never saw and every numeric cell NULL.
   */
  async function trainAndScore(task: TrainRequest["task"], target: string, algorithms: Algorithm[]) {
    const outputDir = path.join(dir, target);
    const result: TrainResult = await trainLocal({
      parquet,
      task,
      target,
      features,
      validation: { kind: "random_split", testRatio: 0.25, seed: 7 },
      algorithms,
      metric: task === "regression" ? "rmse" : "accuracy",
      outputDir,
      sampleRows: 600,
    });
    if (!result.ok) throw new Error(result.error.message);
    expect(result.sample.some((r) => r.x1 === null) && result.sample.some((r) => r.colour === null)).toBe(
      true,
    );
    // The sample holds the trainer's feature matrix: categories as text ("3", "true").
    const sample: Record<string, unknown>[] = result.sample.map((r, i) => ({
      rid: i,
      ...r,
      size: r.size === null ? null : Number(r.size),
      flag: r.flag === null ? null : r.flag === "true",
    }));
    const rows = [
      ...sample,
      ...sample.slice(0, 100).map((r, i) => ({
        ...r,
        rid: 1000 + i,
        colour: i % 3 === 0 ? null : "ultraviolet",
        shape: i % 2 === 0 ? "hexagon" : r.shape,
        size: 99 + i,
        ...(i % 4 === 0 ? { x1: null, x2: null, x3: null, flag: null } : {}),
      })),
    ];
    const rowsDir = path.join(outputDir, "rows");
    mkdirSync(rowsDir, { recursive: true });
    const json = path.join(outputDir, "rows.json");
    writeFileSync(json, rows.map((r) => JSON.stringify(r)).join("\n"));
    const columns = SCHEMA.map(
      (c) => `'${c.name}': '${c.type === "string" ? "VARCHAR" : c.type.toUpperCase()}'`,
    );
    await conn.run(
      `COPY (SELECT * FROM read_json('${json}', format = 'newline_delimited', columns = {${columns.join(", ")}})) TO '${rowsDir}/part-0.parquet' (FORMAT parquet)`,
    );
    // The JSON round trip kept every double exactly (the scorers must see the trainer's values).
    const back = await duck(`SELECT x1 FROM '${rowsDir}/part-0.parquet' ORDER BY rid`);
    expect(back.map((r) => r.x1)).toEqual(rows.map((r) => r.x1));
    return { result, outputDir, rowsDir, sampleCount: result.sample.length };
  }

  async function check(task: TrainRequest["task"], target: string, algorithms: Algorithm[]) {
    const { result, outputDir, rowsDir, sampleCount } = await trainAndScore(task, target, algorithms);
    const report: Record<string, unknown>[] = [];
    for (const m of result.models) {
      const model = PortableModelSchema.parse(
        JSON.parse(readFileSync(path.join(outputDir, m.portable!), "utf8")),
      );
      const input = { name: "rows", schema: SCHEMA, location: { format: "parquet" as const, path: rowsDir } };
      const duckSql = compileScoringSql({ model, dialect: "duckdb", input });
      const sparkSql = compileScoringSql({ model, dialect: "spark", input });
      const probaColumns = duckSql.probabilityColumns.map((p) => p.column);
      const regression = task === "regression";
      const order = (sql: string, q: string) => `SELECT * FROM (${sql}) AS scored ORDER BY ${q}rid${q}`;
      const gotDuck = await duck(order(duckSql.sql, '"'));
      const gotSpark = await onSpark(order(sparkSql.sql, "`"));
      const sk = sklearnPredict(path.join(outputDir, m.pickle), rowsDir, task);
      const want = await duck(`SELECT * FROM '${sk}' ORDER BY rid`);

      // 1. The trainer's own sample predictions (rid < sampleCount).
      const trainerRows: Scored = m.sample.prediction.map((prediction, i) => ({
        rid: i,
        prediction,
        ...Object.fromEntries((m.sample.probabilities?.[i] ?? []).map((p, k) => [`p${k}`, p])),
      }));
      const vsTrainer = compare(gotDuck.slice(0, sampleCount), trainerRows, probaColumns, regression);
      // 2. model.pkl's predictions on every row, unseen levels included.
      const duckVsSk = compare(gotDuck, want, probaColumns, regression);
      const sparkVsSk = compare(gotSpark, want, probaColumns, regression);
      // A forest: the default walk may write these shallow trees as nested if() alone; the array
      // walk from the second level on, on both engines (other trees: the unit tests).
      const walked = m.algorithm.algorithm === "randomForest" ? { input, caseLevels: 2 } : null;
      const duckWalkVsSk = walked
        ? compare(
            await duck(order(compileScoringSql({ model, dialect: "duckdb", ...walked }).sql, '"')),
            want,
            probaColumns,
            regression,
          )
        : duckVsSk;
      const sparkWalkVsSk = walked
        ? compare(
            await onSpark(order(compileScoringSql({ model, dialect: "spark", ...walked }).sql, "`")),
            want,
            probaColumns,
            regression,
          )
        : sparkVsSk;
      // 3. The API node's in-process scorer on the same rows.
      const scorer = compileScorer(model);
      const inputRows = await duck(`SELECT * FROM '${rowsDir}/part-0.parquet' ORDER BY rid`);
      const gotScorer: Scored = inputRows.map((r) => {
        const s = scorer(r);
        return {
          rid: r.rid,
          prediction: s.prediction,
          ...Object.fromEntries(probaColumns.map((c, k) => [c, s.probabilities![k]])),
        };
      });
      const scorerVsSk = compare(gotScorer, want, probaColumns, regression);
      const line = {
        algorithm: m.algorithm.algorithm,
        rows: gotDuck.length,
        vsTrainer,
        duckVsSk,
        sparkVsSk,
        duckWalkVsSk,
        sparkWalkVsSk,
        scorerVsSk,
        sqlBytes: duckSql.sql.length,
      };
      report.push(line);
      for (const c of [vsTrainer, duckVsSk, sparkVsSk, duckWalkVsSk, sparkWalkVsSk, scorerVsSk]) {
        expect(c.labelMismatches, JSON.stringify(line)).toBe(0);
        expect(c.maxDiff, JSON.stringify(line)).toBeLessThan(TOLERANCE);
      }
      // The rows with unseen levels are scored, and not all alike (the numeric features still count).
      const unseen = gotDuck.filter((r) => (r.rid as number) >= 1000);
      expect(unseen).toHaveLength(100);
      if (regression) expect(new Set(unseen.map((r) => r.prediction)).size).toBeGreaterThan(5);
    }
    console.log(`scoring ${task}:`, JSON.stringify(report));
  }

  it("rounds tree inputs to float32 where scikit-learn does: without it, some rows go the other way", async () => {
    const outputDir = path.join(dir, "wave");
    const fine: TrainRequest["features"] = [
      { name: "fine", type: "numeric", impute: { method: "mean" }, rescale: "none" },
    ];
    const result = await trainLocal({
      parquet,
      task: "binary",
      target: "wave",
      features: fine,
      validation: { kind: "random_split", testRatio: 0.25, seed: 7 },
      algorithms: [{ algorithm: "decisionTree", maxDepth: null, minSamplesLeaf: 1 }],
      metric: "accuracy",
      outputDir,
      sampleRows: 750,
    });
    if (!result.ok) throw new Error(result.error.message);
    const m = result.models[0]!;
    const model = PortableModelSchema.parse(
      JSON.parse(readFileSync(path.join(outputDir, m.portable!), "utf8")),
    );
    const rowsFile = path.join(outputDir, "rows.json");
    writeFileSync(rowsFile, result.sample.map((r, i) => JSON.stringify({ rid: i, fine: r.fine })).join("\n"));
    const from = `(SELECT * FROM read_json('${rowsFile}', format = 'newline_delimited', columns = {'rid': 'INTEGER', 'fine': 'DOUBLE'}))`;
    const input = {
      from,
      schema: [
        { name: "rid", type: "integer" as const },
        { name: "fine", type: "double" as const },
      ],
    };
    const want: Scored = m.sample.prediction.map((prediction, i) => ({
      rid: i,
      prediction,
      ...Object.fromEntries((m.sample.probabilities?.[i] ?? []).map((p, k) => [`p${k}`, p])),
    }));
    const score = async (inputFloat32: boolean, trees: "walk" | "case", caseLevels?: number) => {
      const out = compileScoringSql({
        model: { ...model, model: { ...model.model, inputFloat32 } },
        dialect: "duckdb",
        input,
        trees,
        ...(caseLevels === undefined ? {} : { caseLevels }),
      });
      const got = await duck(`SELECT * FROM (${out.sql}) ORDER BY rid`);
      return compare(
        got,
        want,
        out.probabilityColumns.map((p) => p.column),
        false,
      );
    };
    const results = {
      walk: await score(true, "walk"),
      arrays: await score(true, "walk", 0),
      case: await score(true, "case"),
      float64: await score(false, "walk", 0),
      float64Case: await score(false, "case"),
    };
    console.log("scoring float32 trap:", JSON.stringify(results));
    expect(results.walk).toEqual({ maxDiff: 0, labelMismatches: 0 });
    expect(results.arrays).toEqual({ maxDiff: 0, labelMismatches: 0 });
    expect(results.case).toEqual({ maxDiff: 0, labelMismatches: 0 });
    expect(results.float64.labelMismatches).toBeGreaterThan(0);
    expect(results.float64Case.labelMismatches).toBeGreaterThan(0);
  });

  it("binary (boolean classes): logistic, decision tree, random forest, gradient boosted trees", async () => {
    await check("binary", "label", [
      { algorithm: "logistic", C: 1, maxIter: 1000 },
      { algorithm: "decisionTree", ...tree },
      { algorithm: "randomForest", nTrees: 25, ...tree },
      { algorithm: "gbt", nTrees: 40, learningRate: 0.2, maxDepth: 4, minSamplesLeaf: 3 },
    ]);
  });

  it("multiclass (text classes): logistic (softmax), decision tree, random forest, gradient boosted trees (softmax)", async () => {
    await check("multiclass", "band", [
      { algorithm: "logistic", C: 1, maxIter: 1000 },
      { algorithm: "decisionTree", ...tree },
      { algorithm: "randomForest", nTrees: 25, ...tree },
      { algorithm: "gbt", nTrees: 40, learningRate: 0.2, maxDepth: 4, minSamplesLeaf: 3 },
    ]);
  });

  it("regression: ridge, decision tree, random forest, gradient boosted trees", async () => {
    await check("regression", "amount", [
      { algorithm: "linear", alpha: 1 },
      { algorithm: "decisionTree", ...tree },
      { algorithm: "randomForest", nTrees: 25, ...tree },
      { algorithm: "gbt", nTrees: 40, learningRate: 0.2, maxDepth: 4, minSamplesLeaf: 3 },
    ]);
  });
});
