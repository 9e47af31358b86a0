import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import type { DatasetSchema } from "@sous/contracts";
import {
  type Algorithm,
  compileScorer,
  type MllibTrainRequest,
  mllibTrainScript,
  PortableModelSchema,
  type TrainResult,
} from "@sous/ml";
import {
  connectSharedSpark,
  type SparkLocal,
  type SparkValue,
  sparkLocalAvailability,
  startSparkLocal,
} from "@sous/spark-local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileScoringSql } from "../src/index.ts";

// MLlib models (the Databricks trainer's generated script, run on real local Spark) compiled to
// SQL and run on DuckDB and Spark, and scored by the API node's compileScorer, against the saved
// PipelineModel's own transform() on rows with NULLs and levels the model never saw. Boosted
// trees are the point: MLlib's GBT probability is 1 / (1 + exp(-2 margin)), not a plain sigmoid.

const spark_ = sparkLocalAvailability();
const title = spark_.ok
  ? "scoring SQL of MLlib models"
  : `scoring SQL of MLlib models: SKIPPED, ${spark_.reason}`;
const TOLERANCE = 1e-9;
const ROWS = 1500;
const u = (k: number) => `((hash(i * 10 + ${k}) % 1000000)::DOUBLE / 1000000)`;
const SEED_SQL = `
  WITH base AS (
    SELECT i,
      CASE WHEN i % 13 = 0 THEN NULL ELSE ${u(1)} * 20 - 10 END AS x1,
      ${u(2)} * 100 AS x2,
      CASE WHEN i % 11 = 0 THEN NULL
        ELSE ['red', 'green', 'blue', 'black', 'white', 'pink'][1 + (hash(i * 10 + 3) % 6)::INT] END AS colour,
      CASE WHEN i % 19 = 0 THEN NULL ELSE 1 + (hash(i * 10 + 8) % 4)::INT END AS size,
      CASE WHEN i % 23 = 0 THEN NULL ELSE hash(i * 10 + 9) % 3 = 0 END AS flag,
      ${u(4)} AS noise
    FROM range(${ROWS}) t(i)
  )
  SELECT i AS rid, x1, x2, colour, size, flag,
    coalesce(x1, 0) + (x2 - 50) / 10 + coalesce(size, 2) - 2
      + CASE colour WHEN 'red' THEN 4 WHEN 'blue' THEN -4 ELSE 0 END
      + CASE WHEN flag THEN 2 ELSE 0 END + noise * 6 - 3 > 0 AS label,
    3 * coalesce(x1, 0) + 0.5 * x2 + CASE colour WHEN 'pink' THEN 7 ELSE 0 END + noise * 2 AS amount
  FROM base`;
const SCHEMA: DatasetSchema = [
  { name: "rid", type: "bigint" },
  { name: "x1", type: "double" },
  { name: "x2", type: "double" },
  { name: "colour", type: "string" },
  { name: "size", type: "integer" },
  { name: "flag", type: "boolean" },
];
const features: MllibTrainRequest["features"] = [
  { name: "x1", type: "numeric", impute: { method: "mean" }, rescale: "standard" },
  { name: "x2", type: "numeric", impute: { method: "median" }, rescale: "minmax" },
  { name: "colour", type: "categorical", impute: { method: "most_frequent" }, maxLevels: 4 },
  { name: "size", type: "categorical", impute: { method: "most_frequent" }, maxLevels: 10 },
  { name: "flag", type: "categorical", impute: { method: "constant", value: "false" }, maxLevels: 5 },
];

/** The saved PipelineModel's transform() on the rows: rid, the prediction and the probabilities. */
const MLLIB_PREDICT = `
import sys
from pyspark.ml import PipelineModel
from pyspark.ml.functions import vector_to_array
from pyspark.sql import SparkSession, functions as F
spark = SparkSession.builder.getOrCreate()
model_path, rows, out, classifier = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "1"
scored = PipelineModel.load(model_path).transform(spark.read.parquet(rows))
cols = [F.col("rid"), F.col("__sous_prediction").alias("prediction")]
if classifier:
    cols.append(vector_to_array(F.col("__sous_probability")).alias("probability"))
scored.select(*cols).coalesce(1).write.mode("overwrite").parquet(out)
`;

type Scored = Record<string, unknown>[];
let dir: string;
let db: DuckDBInstance;
let conn: DuckDBConnection;
let spark: SparkLocal;
const SESSION = "mllib-scoring";

async function duck(sql: string): Promise<Scored> {
  return (await conn.runAndReadAll(sql)).getRowObjectsJS() as Scored;
}
async function onSpark(sql: string): Promise<Scored> {
  const r = await spark.sql(sql, {}, { maxRows: 100_000 });
  if (!r.ok) throw new Error(`Spark: ${r.errorClass}: ${r.message}`);
  return r.rows.map((row: SparkValue[]) => Object.fromEntries(r.columns.map((c, i) => [c.name, row[i]])));
}
async function python(file: string, args: string[]) {
  const r = await spark.runPython(SESSION, file, args);
  if (!r.ok) throw new Error(`python ${path.basename(file)}: ${r.message}\n${r.logs ?? ""}`);
}
/** A one-row JSON text folder the script writes (part-*.txt). */
const readJsonFolder = (folder: string): unknown => {
  const part = readdirSync(folder).find((f) => f.startsWith("part-") && f.endsWith(".txt"));
  return JSON.parse(readFileSync(path.join(folder, part!), "utf8"));
};
const plain = (v: unknown) => (typeof v === "bigint" ? Number(v) : v);

/** Max abs difference of predictions (regression) and probabilities; label mismatches counted. */
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
      maxDiff = Math.max(maxDiff, Math.abs((g[c] as number) - (w.probability as number[])[k]!));
    });
  });
  return { maxDiff, labelMismatches };
}

describe.skipIf(!spark_.ok)(title, { timeout: 600_000 }, () => {
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "sous-scoring-mllib-"));
    db = await DuckDBInstance.create(":memory:");
    conn = await db.connect();
    // The training rows, and the rows to score: every 3rd row (NULLs included), then 100 of them
    // again with unseen levels and, on every 4th, every numeric cell NULL.
    await conn.run(`CREATE TABLE seed AS ${SEED_SQL}`);
    await conn.run(`COPY seed TO '${dir}/train' (FORMAT parquet, PER_THREAD_OUTPUT)`);
    await conn.run(`COPY (
      SELECT rid, x1, x2, colour, size, flag FROM seed WHERE rid % 3 = 0
      UNION ALL
      SELECT rid + 100000, CASE WHEN rid % 4 = 0 THEN NULL ELSE x1 END, CASE WHEN rid % 4 = 0 THEN NULL ELSE x2 END,
        CASE WHEN rid % 3 = 0 THEN NULL ELSE 'ultraviolet' END, 99, flag
      FROM seed WHERE rid < 100) TO '${dir}/rows' (FORMAT parquet, PER_THREAD_OUTPUT)`);
    writeFileSync(path.join(dir, "predict.py"), MLLIB_PREDICT);
    const socketPath = process.env.SOUS_SPARK_SOCKET;
    spark = socketPath
      ? await connectSharedSpark({ socketPath })
      : await startSparkLocal({ driverMemory: "1g" });
    await spark.openSession(SESSION);
  }, 300_000);
  afterAll(async () => {
    await spark?.closeSession(SESSION).catch(() => undefined);
    await spark?.stop();
    conn?.closeSync();
    db?.closeSync();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function check(task: "binary" | "regression", target: string, algorithms: Algorithm[]) {
    const output = path.join(dir, `out-${task}`);
    const script = path.join(dir, `train-${task}.py`);
    const request: MllibTrainRequest = {
      task,
      target,
      features,
      validation: { kind: "random_split", testRatio: 0.25, seed: 7 },
      algorithms,
      metric: task === "regression" ? "rmse" : "auc",
      sampleRows: 0,
    };
    writeFileSync(script, mllibTrainScript(request, { input: path.join(dir, "train"), output }));
    await python(script, []);
    const result = readJsonFolder(path.join(output, "result.json")) as TrainResult;
    if (!result.ok) throw new Error(result.error.message);
    const regression = task === "regression";
    const input = {
      name: "rows",
      schema: SCHEMA,
      location: { format: "parquet" as const, path: `${dir}/rows` },
    };
    const inputRows = await duck(`SELECT * FROM '${dir}/rows/*.parquet' ORDER BY rid`);
    const report: Record<string, unknown>[] = [];
    for (const m of result.models) {
      const model = PortableModelSchema.parse(readJsonFolder(path.join(output, m.portable!)));
      const mllibOut = path.join(dir, `mllib-${task}-${m.algorithm.algorithm}`);
      await python(path.join(dir, "predict.py"), [
        path.join(output, m.pickle),
        `${dir}/rows`,
        mllibOut,
        regression ? "0" : "1",
      ]);
      const classes = result.classes ?? [];
      const want = (await duck(`SELECT * FROM '${mllibOut}/*.parquet' ORDER BY rid`)).map((r) => ({
        ...r,
        prediction: regression ? r.prediction : classes[r.prediction as number],
      }));
      const duckSql = compileScoringSql({ model, dialect: "duckdb", input });
      const sparkSql = compileScoringSql({ model, dialect: "spark", input });
      const probaColumns = duckSql.probabilityColumns.map((p) => p.column);
      const order = (sql: string, q: string) => `SELECT * FROM (${sql}) AS scored ORDER BY ${q}rid${q}`;
      const gotDuck = await duck(order(duckSql.sql, '"'));
      const gotSpark = await onSpark(order(sparkSql.sql, "`"));
      const scorer = compileScorer(model);
      const gotScorer: Scored = inputRows.map((r) => {
        const s = scorer(r);
        return {
          rid: r.rid,
          prediction: s.prediction,
          ...Object.fromEntries(probaColumns.map((c, k) => [c, s.probabilities![k]])),
        };
      });
      const line = {
        algorithm: m.algorithm.algorithm,
        kind: model.model.kind,
        rows: want.length,
        duck: compare(gotDuck, want, probaColumns, regression),
        spark: compare(gotSpark, want, probaColumns, regression),
        scorer: compare(gotScorer, want, probaColumns, regression),
      };
      report.push(line);
      for (const c of [line.duck, line.spark, line.scorer]) {
        expect(c.labelMismatches, JSON.stringify(line)).toBe(0);
        expect(c.maxDiff, JSON.stringify(line)).toBeLessThan(TOLERANCE);
      }
      // The unseen-level rows are scored, and not all alike.
      const unseen = gotDuck.filter((r) => Number(r.rid) >= 100000);
      expect(unseen).toHaveLength(100);
      expect(
        new Set(unseen.map((r) => (regression ? r.prediction : r[probaColumns[1]!]))).size,
      ).toBeGreaterThan(5);
    }
    console.log(`scoring mllib ${task}:`, JSON.stringify(report));
    return result;
  }

  it("binary: logistic, random forest and boosted trees (the 2 * margin logistic) equal MLlib's transform", async () => {
    const result = await check("binary", "label", [
      { algorithm: "logistic", C: 1, maxIter: 100 },
      { algorithm: "randomForest", nTrees: 15, maxDepth: 6, minSamplesLeaf: 2 },
      { algorithm: "gbt", nTrees: 25, learningRate: 0.2, maxDepth: 4, minSamplesLeaf: 2 },
    ]);
    expect(
      result.ok && result.models.find((m) => m.algorithm.algorithm === "gbt")!.metrics.auc,
    ).toBeGreaterThan(0.85);
  });

  it("regression: linear and boosted trees equal MLlib's transform", async () => {
    await check("regression", "amount", [
      { algorithm: "linear", alpha: 1 },
      { algorithm: "gbt", nTrees: 25, learningRate: 0.2, maxDepth: 4, minSamplesLeaf: 2 },
    ]);
  });
});
