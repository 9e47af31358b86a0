import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import type { DatasetSchema } from "@sous/contracts";
import { type ClusterTrainRequest, nearestCentroid, PortableClusterModelSchema } from "@sous/ml";
import { clusterLocal, defaultPython, mlLocalAvailability, repoRoot } from "@sous/ml-local";
import {
  connectSharedSpark,
  type SparkLocal,
  type SparkValue,
  sparkLocalAvailability,
  startSparkLocal,
} from "@sous/spark-local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileClustersSql } from "../src/index.ts";

// Real clusterings (the trainer's scikit-learn) on seeded rows with NULLs; the k-means compiled to
// SQL and run on real DuckDB and real local Spark over the training rows plus rows with levels the
// model never saw and NULL numbers. The oracle is scikit-learn: model.pkl's predict on the same
// Parquet (sous_ml.predict), and its silhouette_score, never a hand-written number.

const ml = mlLocalAvailability();
const spark_ = sparkLocalAvailability();
const title =
  ml.ok && spark_.ok
    ? "clustering: scikit-learn training, k-means scored in SQL on DuckDB and Spark"
    : `clustering: SKIPPED, ${ml.ok ? "" : ml.reason} ${spark_.ok ? "" : spark_.reason}`;

const ROWS = 1500;
const u = (k: number) => `((hash(i * 10 + ${k}) % 1000000)::DOUBLE / 1000000)`;
// Three blobs in (x1, x2), a colour that leans per blob, and NULLs in every feature.
const SEED_SQL = `
  WITH base AS (SELECT i, i % 3 AS blob FROM range(${ROWS}) t(i))
  SELECT i AS rid,
    CASE WHEN i % 13 = 0 THEN NULL ELSE blob * 6 + ${u(1)} * 4 END AS x1,
    CASE WHEN i % 17 = 0 THEN NULL ELSE (blob % 2) * 30 + ${u(2)} * 20 END AS x2,
    CASE WHEN i % 11 = 0 THEN NULL
      WHEN ${u(3)} < 0.7 THEN ['red', 'green', 'blue'][1 + blob::INT]
      ELSE ['black', 'white', 'pink', 'gold'][1 + (hash(i * 10 + 4) % 4)::INT] END AS colour,
    CASE WHEN i % 19 = 0 THEN NULL ELSE 1 + (hash(i * 10 + 5) % 4)::INT END AS size
  FROM base`;
// Unseen levels (violet, size 99) and NULL numbers, appended to the rows to score.
const EXTRA_SQL = `
  SELECT 100000 + i AS rid,
    CASE WHEN i % 2 = 0 THEN NULL ELSE ${u(6)} * 18 END AS x1,
    CASE WHEN i % 3 = 0 THEN NULL ELSE ${u(7)} * 50 END AS x2,
    CASE WHEN i % 4 = 0 THEN NULL ELSE 'violet' END AS colour,
    CASE WHEN i % 5 = 0 THEN NULL ELSE 99 END AS size
  FROM range(200) t(i)`;

const features: ClusterTrainRequest["features"] = [
  { name: "x1", type: "numeric", impute: { method: "mean" }, rescale: "standard" },
  { name: "x2", type: "numeric", impute: { method: "median" }, rescale: "minmax" },
  // Grouped levels: an "others" column, which unseen levels join.
  { name: "colour", type: "categorical", impute: { method: "most_frequent" }, maxLevels: 4 },
  // Every level kept: an unseen level is all zeros.
  { name: "size", type: "categorical", impute: { method: "constant", value: "1" }, maxLevels: 10 },
];
const SCHEMA: DatasetSchema = [
  { name: "rid", type: "bigint" },
  { name: "x1", type: "double" },
  { name: "x2", type: "double" },
  { name: "colour", type: "string" },
  { name: "size", type: "integer" },
];

let dir: string;
let trainDir: string;
let rowsDir: string;
let db: DuckDBInstance;
let conn: DuckDBConnection;
let spark: SparkLocal;
type Rows = Record<string, unknown>[];
const plain = (v: unknown) => (typeof v === "bigint" ? Number(v) : v);

async function duck(sql: string): Promise<Rows> {
  return (await conn.runAndReadAll(sql)).getRowObjectsJS() as Rows;
}

async function onSpark(sql: string): Promise<Rows> {
  const r = await spark.sql(sql, {}, { maxRows: 100_000 });
  if (!r.ok) throw new Error(`Spark: ${r.errorClass}: ${r.message}`);
  return r.rows.map((row: SparkValue[]) => Object.fromEntries(r.columns.map((c, i) => [c.name, row[i]])));
}

/** scikit-learn's clusters for the rows of a Parquet folder, through model.pkl (sous_ml.predict). */
function sklearnPredict(pickle: string, parquet: string, name: string): string {
  const output = path.join(dir, `sk-${name}.parquet`);
  const run = spawnSync(defaultPython, ["-m", "sous_ml.predict", "-"], {
    cwd: path.join(repoRoot, "python"),
    env: { ...process.env, PYTHONPATH: path.join(repoRoot, "python") },
    // Not a classifier: predict() only, the cluster index.
    input: JSON.stringify({ pickle, parquet, features, task: "clustering", output, keep: ["rid"] }),
    encoding: "utf8",
  });
  if (run.status !== 0) throw new Error(`sous_ml.predict failed: ${run.stderr}`);
  return output;
}

/** scikit-learn's silhouette_score of model.pkl's clusters on the training rows (the oracle). */
function sklearnSilhouette(pickle: string): number {
  const code = `
import json, sys, joblib, pyarrow.dataset as ds
from sklearn.metrics import silhouette_score
from sous_ml.train import feature_matrix
req = json.loads(sys.stdin.read())
p = joblib.load(req["pickle"])
x = feature_matrix(ds.dataset(req["parquet"], format="parquet").to_table(), req["features"])
print(silhouette_score(p.named_steps["prep"].transform(x), p.predict(x)))`;
  const run = spawnSync(defaultPython, ["-c", code], {
    cwd: path.join(repoRoot, "python"),
    env: { ...process.env, PYTHONPATH: path.join(repoRoot, "python") },
    input: JSON.stringify({ pickle, parquet: trainDir, features }),
    encoding: "utf8",
  });
  if (run.status !== 0) throw new Error(`silhouette failed: ${run.stderr}`);
  return Number(run.stdout.trim());
}

describe.skipIf(!ml.ok || !spark_.ok)(title, { timeout: 300_000 }, () => {
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "sous-clustering-"));
    trainDir = path.join(dir, "train");
    rowsDir = path.join(dir, "rows");
    mkdirSync(trainDir);
    mkdirSync(rowsDir);
    db = await DuckDBInstance.create(":memory:");
    conn = await db.connect();
    await conn.run(`COPY (${SEED_SQL}) TO '${trainDir}/part-0.parquet' (FORMAT parquet)`);
    await conn.run(
      `COPY (SELECT * FROM (${SEED_SQL}) UNION ALL SELECT * FROM (${EXTRA_SQL})) TO '${rowsDir}/part-0.parquet' (FORMAT parquet)`,
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

  it("k-means (k chosen by silhouette) and a Gaussian mixture: sizes, silhouette and profiles are scikit-learn's; the k-means SQL assigns every row as its predict", async () => {
    const outputDir = path.join(dir, "out");
    const result = await clusterLocal({
      parquet: trainDir,
      features,
      algorithms: [
        { algorithm: "kmeans", k: 2, kGrid: [2, 3, 4], maxIter: 300 },
        { algorithm: "gaussianMixture", k: 3, maxIter: 200 },
      ],
      seed: 11,
      outputDir,
      sampleRows: 50,
    });
    if (!result.ok) throw new Error(result.error.message);
    expect(result.rows.read).toBe(ROWS);
    const [kmeans, gmm] = result.models;
    if (!kmeans || !gmm) throw new Error("two models expected");
    expect(kmeans.kSearch?.tried.map((t) => t.k)).toEqual([2, 3, 4]);
    const best = Math.max(...(kmeans.kSearch?.tried.map((t) => t.silhouette ?? -2) ?? []));
    expect(kmeans.metrics.silhouette).toBe(best);
    expect(gmm.portable).toBeNull();

    const report: Record<string, unknown> = {};
    for (const m of [kmeans, gmm]) {
      const pickle = path.join(outputDir, m.pickle);
      // Sizes and silhouette against scikit-learn's own predict on the training rows.
      const sk = await duck(
        `SELECT s.rid, s.prediction AS cluster, t.x1, t.x2 FROM '${sklearnPredict(pickle, trainDir, `${m.algorithm.algorithm}-train`)}' s JOIN '${trainDir}/part-0.parquet' t USING (rid) ORDER BY rid`,
      );
      const sizes = Array.from({ length: m.k }, (_, c) => sk.filter((r) => plain(r.cluster) === c).length);
      expect(m.sizes).toEqual(sizes);
      expect(m.metrics.silhouette).toBeCloseTo(sklearnSilhouette(pickle), 12);
      expect(m.sample.cluster).toEqual(sk.slice(0, 50).map((r) => plain(r.cluster)));
      // Profiles: each cluster's mean of x1 as DuckDB computes it over scikit-learn's clusters.
      const means = await duck(
        `SELECT cluster, avg(x1) AS x1 FROM (SELECT s.prediction AS cluster, t.x1 FROM '${path.join(dir, `sk-${m.algorithm.algorithm}-train.parquet`)}' s JOIN '${trainDir}/part-0.parquet' t USING (rid)) GROUP BY cluster ORDER BY cluster`,
      );
      const x1 = m.profiles.numeric.find((p) => p.feature === "x1");
      means.forEach((r) => {
        expect(x1?.clusters[plain(r.cluster) as number]).toBeCloseTo(r.x1 as number, 9);
      });
      const overall = await duck(`SELECT avg(x1) AS x1 FROM '${trainDir}/part-0.parquet'`);
      expect(x1?.overall).toBeCloseTo(overall[0]!.x1 as number, 9);
      report[m.algorithm.algorithm] = { k: m.k, sizes: m.sizes, silhouette: m.metrics.silhouette };
    }

    // The portable k-means in SQL, on every row to score, against model.pkl's predict.
    const model = PortableClusterModelSchema.parse(
      JSON.parse(readFileSync(path.join(outputDir, kmeans.portable ?? ""), "utf8")),
    );
    expect(model.centroids).toHaveLength(kmeans.k);
    const want = await duck(
      `SELECT rid, prediction AS cluster FROM '${sklearnPredict(path.join(outputDir, kmeans.pickle), rowsDir, "kmeans-rows")}' ORDER BY rid`,
    );
    const input = { name: "rows", schema: SCHEMA, location: { format: "parquet" as const, path: rowsDir } };
    const duckSql = compileClustersSql({ model, dialect: "duckdb", input });
    const sparkSql = compileClustersSql({ model, dialect: "spark", input });
    expect(duckSql.outputSchema.at(-1)).toEqual({ name: "cluster", type: "integer" });
    const gotDuck = await duck(`SELECT * FROM (${duckSql.sql}) AS s ORDER BY "rid"`);
    const gotSpark = await onSpark(`SELECT * FROM (${sparkSql.sql}) AS s ORDER BY \`rid\``);
    expect(gotDuck).toHaveLength(ROWS + 200);
    const wanted = want.map((r) => [plain(r.rid), plain(r.cluster)]);
    expect(gotDuck.map((r) => [plain(r.rid), plain(r.cluster)])).toEqual(wanted);
    expect(gotSpark.map((r) => [plain(r.rid), plain(r.cluster)])).toEqual(wanted);
    // The TypeScript scorer (the API node's) agrees too.
    expect(gotDuck.map((r) => [plain(r.rid), nearestCentroid(model, r)])).toEqual(wanted);
    // The unseen rows spread over more than one cluster (the numbers still count).
    expect(
      new Set(gotDuck.filter((r) => (plain(r.rid) as number) >= 100000).map((r) => r.cluster)).size,
    ).toBeGreaterThan(1);
    console.log("clustering:", JSON.stringify(report));
  });

  it("refuses k larger than the rows, and a feature NULL on every row, with a message", async () => {
    const tiny = path.join(dir, "tiny.parquet");
    await conn.run(`COPY (SELECT * FROM (${SEED_SQL}) LIMIT 3) TO '${tiny}' (FORMAT parquet)`);
    const refused = await clusterLocal({
      parquet: tiny,
      features,
      algorithms: [{ algorithm: "kmeans", k: 4, maxIter: 10 }],
      seed: 1,
      outputDir: path.join(dir, "refused2"),
    });
    expect(refused).toMatchObject({ ok: false, error: { code: "ML_TOO_FEW_ROWS" } });
    if (!refused.ok)
      expect(refused.error.message).toMatch(/4 clusters need at least 4 rows; the dataset has 3/);
    const empty = path.join(dir, "empty-feature.parquet");
    await conn.run(
      `COPY (SELECT rid, x1, NULL::DOUBLE AS x2 FROM (${SEED_SQL})) TO '${empty}' (FORMAT parquet)`,
    );
    const none = await clusterLocal({
      parquet: empty,
      features: features.slice(0, 2),
      algorithms: [{ algorithm: "kmeans", k: 2, maxIter: 10 }],
      seed: 1,
      outputDir: path.join(dir, "refused3"),
    });
    expect(none).toMatchObject({ ok: false, error: { code: "ML_FEATURE_EMPTY" } });
  });
});
