import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import type { DatasetSchema } from "@sous/contracts";
import { type Algorithm, PortableModelSchema, type TrainRequest } from "@sous/ml";
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

// Ordinal codes, target means and date parts (issue #15) trained for real by scikit-learn,
// compiled to SQL and run on real DuckDB and real local Spark, over rows with NULLs, levels the
// model never saw and dates outside the training range. The oracle: the model's own pickle
// (sous_ml.predict, scikit-learn's predict_proba) on the same Parquet. A tf-idf model does not
// compile (it scores through Python), and says so.

const ml = mlLocalAvailability();
const spark_ = sparkLocalAvailability();
const title =
  ml.ok && spark_.ok
    ? "scoring SQL of models with ordinal, target and date handling"
    : `scoring SQL encodings: SKIPPED, ${ml.ok ? "" : ml.reason} ${spark_.ok ? "" : spark_.reason}`;

const ROWS = 2500;
const TOLERANCE = 1e-9;
const u = (k: number) => `((hash(i * 10 + ${k}) % 1000000)::DOUBLE / 1000000)`;
const COLOURS = "['red', 'green', 'blue', 'black', 'white', 'pink', 'gold']";
// Rows >= ROWS are only scored: unseen colours and sizes, NULL dates, dates before 1970 and far ahead.
const rowsSql = (from: number, to: number) => `
  WITH base AS (
    SELECT i,
      ${u(1)} * 20 - 10 AS x1,
      CASE WHEN i % 11 = 0 THEN NULL
        WHEN i >= ${ROWS} AND i % 3 = 0 THEN 'ultraviolet'
        ELSE ${COLOURS}[1 + (hash(i * 10 + 3) % 7)::INT] END AS colour,
      CASE WHEN i % 19 = 0 THEN NULL WHEN i >= ${ROWS} AND i % 4 = 0 THEN 77 ELSE 1 + (hash(i * 10 + 8) % 5)::INT END AS size,
      CASE WHEN i % 13 = 0 THEN NULL
        WHEN i >= ${ROWS} AND i % 5 = 0 THEN DATE '1961-03-04' + (hash(i) % 400)::INT
        ELSE DATE '2019-01-01' + (hash(i * 10 + 4) % 1500)::INT END AS day,
      CASE WHEN i % 17 = 0 THEN NULL
        WHEN i >= ${ROWS} AND i % 5 = 1 THEN TIMESTAMPTZ '2041-06-30 23:59:59.999+00' - to_seconds((hash(i) % 90000)::BIGINT)
        ELSE TIMESTAMPTZ '2021-01-01 00:00:00+00' + to_seconds((hash(i * 10 + 5) % 100000000)::BIGINT)
          + to_microseconds((hash(i * 10 + 6) % 1000000)::BIGINT) END AS ts,
      ${u(7)} AS noise
    FROM range(${from}, ${to}) t(i)
  )
  SELECT i AS rid, x1, colour, size, day, ts,
    x1 / 3 + CASE colour WHEN 'red' THEN 2 WHEN 'blue' THEN -2 ELSE 0 END
      + CASE WHEN month(day) IN (6, 7, 8) THEN 1.5 ELSE 0 END
      + CASE WHEN hour(ts) < 12 THEN 1 ELSE -1 END + noise * 3 - 1.5 > 0 AS label,
    2 * x1 + coalesce(size, 3) * 3 + CASE colour WHEN 'gold' THEN 7 ELSE 0 END
      + coalesce(dayofweek(day), 3) + coalesce(hour(ts), 12) / 4 + noise AS amount,
    -- Three classes that lean on size (target encoded) and x1.
    CASE WHEN coalesce(size, 3) + x1 / 5 + noise * 2 < 2.5 THEN 'low'
      WHEN coalesce(size, 3) + x1 / 5 + noise * 2 < 4.5 THEN 'mid' ELSE 'high' END AS band
  FROM base`;

const features: TrainRequest["features"] = [
  { name: "x1", type: "numeric", impute: { method: "mean" }, rescale: "standard" },
  // Ordinal with grouped levels: the rare ones and the unseen ones share code -1.
  {
    name: "colour",
    type: "categorical",
    impute: { method: "most_frequent" },
    maxLevels: 5,
    encoding: "ordinal",
  },
  // Target means on an integer column (levels "1".."5"; 77 is unseen: the prior).
  {
    name: "size",
    type: "categorical",
    impute: { method: "constant", value: "3" },
    maxLevels: 10,
    encoding: "target",
    smoothing: 4,
  },
  { name: "day", type: "date", parts: ["year", "month", "dayOfWeek", "epochDays"], rescale: "standard" },
  { name: "ts", type: "date", parts: ["hour", "dayOfWeek", "year", "month", "epochDays"], rescale: "none" },
];
const SCHEMA: DatasetSchema = [
  { name: "rid", type: "bigint" },
  { name: "x1", type: "double" },
  { name: "colour", type: "string" },
  { name: "size", type: "integer" },
  { name: "day", type: "date" },
  { name: "ts", type: "timestamp" },
];
const tree = { maxDepth: 8, minSamplesLeaf: 3 };

let dir: string;
let trainParquet: string;
let scoreDir: string;
let db: DuckDBInstance;
let conn: DuckDBConnection;
let spark: SparkLocal;
type Scored = Record<string, unknown>[];

function sklearnPredict(pickle: string, task: string, feats = features, parquet = scoreDir): string {
  const output = path.join(
    dir,
    `sk-${path.basename(path.dirname(path.dirname(pickle)))}-${path.basename(path.dirname(pickle))}.parquet`,
  );
  const run = spawnSync(defaultPython, ["-m", "sous_ml.predict", "-"], {
    cwd: path.join(repoRoot, "python"),
    env: { ...process.env, PYTHONPATH: path.join(repoRoot, "python") },
    input: JSON.stringify({ pickle, parquet, features: feats, task, output, keep: ["rid"] }),
    encoding: "utf8",
  });
  if (run.status !== 0) throw new Error(`sous_ml.predict failed: ${run.stderr}`);
  return output;
}

const duck = async (sql: string): Promise<Scored> =>
  (await conn.runAndReadAll(sql)).getRowObjectsJS() as Scored;

async function onSpark(sql: string): Promise<Scored> {
  const r = await spark.sql(sql, {}, { maxRows: 100_000 });
  if (!r.ok) throw new Error(`Spark: ${r.errorClass}: ${r.message}`);
  return r.rows.map((row: SparkValue[]) => Object.fromEntries(r.columns.map((c, i) => [c.name, row[i]])));
}

const plain = (v: unknown) => (typeof v === "bigint" ? Number(v) : v);

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
    dir = mkdtempSync(path.join(tmpdir(), "sous-scoring-enc-"));
    trainParquet = path.join(dir, "train.parquet");
    scoreDir = path.join(dir, "score");
    db = await DuckDBInstance.create(":memory:");
    conn = await db.connect();
    await conn.run("SET TimeZone = 'UTC'");
    await conn.run(`COPY (${rowsSql(0, ROWS)}) TO '${trainParquet}' (FORMAT parquet)`);
    // The scored rows: a test-like slice of the training range, then the unseen and odd ones.
    mkdirSync(scoreDir);
    await conn.run(
      `COPY (SELECT * FROM (${rowsSql(0, 400)}) UNION ALL SELECT * FROM (${rowsSql(ROWS, ROWS + 400)}) ORDER BY rid) TO '${scoreDir}/part-0.parquet' (FORMAT parquet)`,
    );
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

  async function check(task: TrainRequest["task"], target: string, algorithms: Algorithm[]) {
    const outputDir = path.join(dir, target);
    const result = await trainLocal({
      parquet: trainParquet,
      task,
      target,
      features,
      validation: { kind: "random_split", testRatio: 0.25, seed: 7 },
      algorithms,
      metric: task === "regression" ? "rmse" : "accuracy",
      outputDir,
    });
    if (!result.ok) throw new Error(result.error.message);
    const report: Record<string, unknown>[] = [];
    for (const m of result.models) {
      const model = PortableModelSchema.parse(
        JSON.parse(readFileSync(path.join(outputDir, m.portable!), "utf8")),
      );
      // A multiclass target encoding is one target feature per class (sorted), named after it.
      const targets = task === "multiclass" ? ["target", "target", "target"] : ["target"];
      expect(model.features.map((f) => f.type)).toEqual(["numeric", "ordinal", ...targets, "date", "date"]);
      if (task === "multiclass")
        expect(model.features.flatMap((f) => (f.type === "target" ? [[f.name, f.forClass]] : []))).toEqual([
          ["size", "high"],
          ["size", "low"],
          ["size", "mid"],
        ]);
      const input = {
        name: "rows",
        schema: SCHEMA,
        location: { format: "parquet" as const, path: scoreDir },
      };
      const duckSql = compileScoringSql({ model, dialect: "duckdb", input });
      const sparkSql = compileScoringSql({ model, dialect: "spark", input });
      const probaColumns = duckSql.probabilityColumns.map((p) => p.column);
      const regression = task === "regression";
      const order = (sql: string, q: string) => `SELECT * FROM (${sql}) AS scored ORDER BY ${q}rid${q}`;
      const gotDuck = await duck(order(duckSql.sql, '"'));
      const gotSpark = await onSpark(order(sparkSql.sql, "`"));
      const want = await duck(
        `SELECT * FROM '${sklearnPredict(path.join(outputDir, m.pickle), task)}' ORDER BY rid`,
      );
      const duckVsSk = compare(gotDuck, want, probaColumns, regression);
      const sparkVsSk = compare(gotSpark, want, probaColumns, regression);
      const line = { algorithm: m.algorithm.algorithm, rows: gotDuck.length, duckVsSk, sparkVsSk };
      report.push(line);
      for (const c of [duckVsSk, sparkVsSk]) {
        expect(c.labelMismatches, JSON.stringify(line)).toBe(0);
        expect(c.maxDiff, JSON.stringify(line)).toBeLessThan(TOLERANCE);
      }
      expect(gotDuck).toHaveLength(800);
    }
    console.log(`scoring encodings ${task}:`, JSON.stringify(report));
  }

  it("binary: logistic and random forest with ordinal, target and date features", async () => {
    await check("binary", "label", [
      { algorithm: "logistic", C: 1, maxIter: 2000 },
      { algorithm: "randomForest", nTrees: 20, ...tree },
    ]);
  });

  it("multiclass: logistic and random forest with a target encoding per class", async () => {
    await check("multiclass", "band", [
      { algorithm: "logistic", C: 1, maxIter: 2000 },
      { algorithm: "randomForest", nTrees: 20, ...tree },
    ]);
  });

  it("regression: ridge and decision tree with ordinal, target and date features", async () => {
    await check("regression", "amount", [
      { algorithm: "linear", alpha: 1 },
      { algorithm: "decisionTree", ...tree },
    ]);
  });

  it("a tf-idf model does not compile to SQL and says it scores through Python; Python scores it", async () => {
    const textDir = path.join(dir, "text");
    const textParquet = path.join(dir, "text.parquet");
    // One 1 MB cell among short reviews: the trainer reads its first maxChars characters only.
    await conn.run(`COPY (
      SELECT i AS rid,
        CASE WHEN i = 5 THEN repeat('good ', 200000) WHEN i % 7 = 0 THEN NULL
          ELSE ['good', 'bad', 'great', 'awful'][1 + (hash(i) % 4)::INT] || ' ' || ['film', 'plot', 'cast'][1 + (hash(i * 3) % 3)::INT] END AS review,
        ${u(2)} AS x1
      FROM range(300) t(i)) TO '${textParquet}' (FORMAT parquet)`);
    await conn.run(
      `COPY (SELECT *, (review LIKE 'g%') AS liked FROM '${textParquet}') TO '${textParquet}.2' (FORMAT parquet)`,
    );
    const textFeatures: TrainRequest["features"] = [
      { name: "review", type: "text", method: "tfidf", maxFeatures: 10, maxChars: 1000 },
      { name: "x1", type: "numeric", impute: { method: "mean" }, rescale: "none" },
    ];
    const result = await trainLocal({
      parquet: `${textParquet}.2`,
      task: "binary",
      target: "liked",
      features: textFeatures,
      validation: { kind: "random_split", testRatio: 0.25, seed: 7 },
      algorithms: [{ algorithm: "logistic", C: 1, maxIter: 1000 }],
      metric: "accuracy",
      outputDir: textDir,
    });
    if (!result.ok) throw new Error(result.error.message);
    // The words decide the class: tf-idf learned them.
    expect(result.models[0]!.metrics.accuracy).toBeGreaterThan(0.9);
    const model = PortableModelSchema.parse(
      JSON.parse(readFileSync(path.join(textDir, result.models[0]!.portable!), "utf8")),
    );
    const text = model.features.find((f) => f.type === "text");
    // Seven words in the reviews (four adjectives, three nouns), under the cap of 10.
    expect(text && "vocabulary" in text ? text.vocabulary.length : 0).toBe(7);
    const input = {
      name: "rows",
      schema: [
        { name: "review", type: "string" as const },
        { name: "x1", type: "double" as const },
      ],
      location: { format: "parquet" as const, path: `${textParquet}.2` },
    };
    expect(() => compileScoringSql({ model, dialect: "duckdb", input })).toThrow(
      /own runtime \(Python scoring\)/,
    );
    // Its own runtime scores every row, the 1 MB cell included.
    const scored = await duck(
      `SELECT * FROM '${sklearnPredict(path.join(textDir, result.models[0]!.pickle), "binary", textFeatures, `${textParquet}.2`)}'`,
    );
    expect(scored).toHaveLength(300);
  });
});
