import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import type { DatasetSchema } from "@sous/contracts";
import {
  type ClusterResult,
  type MllibClusterRequest,
  mllibClusterScript,
  nearestCentroid,
  PortableClusterModelSchema,
} from "@sous/ml";
import {
  connectSharedSpark,
  type SparkLocal,
  type SparkValue,
  sparkLocalAvailability,
  startSparkLocal,
} from "@sous/spark-local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileClustersSql } from "../src/index.ts";

// MLlib clusterings (the Databricks trainer's generated script, run on real local Spark) compiled
// to SQL and run on DuckDB and Spark, and assigned by @sous/ml's nearestCentroid, against the saved
// PipelineModel's own transform() on rows with NULLs and levels the model never saw. Bisecting
// k-means is the point: MLlib's predict walks its tree of centers (nearest child at each split),
// which is not always the nearest leaf centroid.

const spark_ = sparkLocalAvailability();
const title = spark_.ok
  ? "scoring SQL of MLlib clusterings"
  : `scoring SQL of MLlib clusterings: SKIPPED, ${spark_.reason}`;
const ROWS = 1500;
const u = (k: number) => `((hash(i * 10 + ${k}) % 1000000)::DOUBLE / 1000000)`;
// Six loose blobs in (x1, x2), a colour that leans per blob, NULLs in every feature.
const SEED_SQL = `
  WITH base AS (SELECT i, i % 6 AS blob FROM range(${ROWS}) t(i))
  SELECT i AS rid,
    CASE WHEN i % 13 = 0 THEN NULL ELSE (blob % 3) * 4 + ${u(1)} * 6 END AS x1,
    CASE WHEN i % 17 = 0 THEN NULL ELSE (blob // 3) * 25 + ${u(2)} * 30 END AS x2,
    CASE WHEN i % 11 = 0 THEN NULL
      WHEN ${u(3)} < 0.6 THEN ['red', 'green', 'blue', 'black', 'white', 'pink'][1 + blob::INT]
      ELSE ['gold', 'grey'][1 + (hash(i * 10 + 4) % 2)::INT] END AS colour
  FROM base`;
const SCHEMA: DatasetSchema = [
  { name: "rid", type: "bigint" },
  { name: "x1", type: "double" },
  { name: "x2", type: "double" },
  { name: "colour", type: "string" },
];
const request: MllibClusterRequest = {
  features: [
    { name: "x1", type: "numeric", impute: { method: "mean" }, rescale: "standard" },
    { name: "x2", type: "numeric", impute: { method: "median" }, rescale: "minmax" },
    { name: "colour", type: "categorical", impute: { method: "most_frequent" }, maxLevels: 5 },
  ],
  algorithms: [
    { algorithm: "bisectingKmeans", k: 6, maxIter: 20 },
    { algorithm: "bisectingKmeans", k: 2, kGrid: [3, 5], maxIter: 10 },
    { algorithm: "kmeans", k: 4, maxIter: 30 },
  ],
  seed: 11,
  sampleRows: 0,
};

/** The saved PipelineModel's transform() on the rows: rid and MLlib's cluster. */
const MLLIB_PREDICT = `
import sys
from pyspark.ml import PipelineModel
from pyspark.sql import SparkSession, functions as F
spark = SparkSession.builder.getOrCreate()
model_path, rows, out = sys.argv[1], sys.argv[2], sys.argv[3]
scored = PipelineModel.load(model_path).transform(spark.read.parquet(rows))
scored.select(F.col("rid"), F.col("__sous_cluster").alias("cluster")).coalesce(1).write.mode("overwrite").parquet(out)
`;

type Rows = Record<string, unknown>[];
let dir: string;
let db: DuckDBInstance;
let conn: DuckDBConnection;
let spark: SparkLocal;
const SESSION = "mllib-cluster-scoring";

async function duck(sql: string): Promise<Rows> {
  return (await conn.runAndReadAll(sql)).getRowObjectsJS() as Rows;
}
async function onSpark(sql: string): Promise<Rows> {
  const r = await spark.sql(sql, {}, { maxRows: 100_000 });
  if (!r.ok) throw new Error(`Spark: ${r.errorClass}: ${r.message}`);
  return r.rows.map((row: SparkValue[]) => Object.fromEntries(r.columns.map((c, i) => [c.name, row[i]])));
}
async function python(file: string, args: string[]) {
  const r = await spark.runPython(SESSION, file, args);
  if (!r.ok) throw new Error(`python ${path.basename(file)}: ${r.message}\n${r.logs ?? ""}`);
}
const readJsonFolder = (folder: string): unknown => {
  const part = readdirSync(folder).find((f) => f.startsWith("part-") && f.endsWith(".txt"));
  return JSON.parse(readFileSync(path.join(folder, part!), "utf8"));
};
const clusters = (rows: Rows) => rows.map((r) => [Number(r.rid), Number(r.cluster)]);

describe.skipIf(!spark_.ok)(title, { timeout: 600_000 }, () => {
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "sous-scoring-mllib-clusters-"));
    db = await DuckDBInstance.create(":memory:");
    conn = await db.connect();
    // The training rows, and the rows to score: every row, then 150 of them again with an unseen
    // colour and, on every 4th, both numbers NULL.
    await conn.run(`CREATE TABLE seed AS ${SEED_SQL}`);
    await conn.run(`COPY seed TO '${dir}/train' (FORMAT parquet, PER_THREAD_OUTPUT)`);
    await conn.run(`COPY (
      SELECT * FROM seed
      UNION ALL
      SELECT rid + 100000, CASE WHEN rid % 4 = 0 THEN NULL ELSE x1 END, CASE WHEN rid % 4 = 0 THEN NULL ELSE x2 END,
        CASE WHEN rid % 3 = 0 THEN NULL ELSE 'ultraviolet' END
      FROM seed WHERE rid < 150) TO '${dir}/rows' (FORMAT parquet, PER_THREAD_OUTPUT)`);
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

  it("bisecting k-means (its tree) and k-means assign every row as MLlib's transform, in SQL on DuckDB and Spark and in TypeScript", async () => {
    const output = path.join(dir, "out");
    const script = path.join(dir, "cluster.py");
    writeFileSync(script, mllibClusterScript(request, { input: path.join(dir, "train"), output }));
    await python(script, []);
    const result = readJsonFolder(path.join(output, "result.json")) as ClusterResult;
    if (!result.ok) throw new Error(result.error.message);
    const input = {
      name: "rows",
      schema: SCHEMA,
      location: { format: "parquet" as const, path: `${dir}/rows` },
    };
    const inputRows = await duck(`SELECT * FROM '${dir}/rows/*.parquet' ORDER BY rid`);
    const report: Record<string, unknown>[] = [];
    for (const [index, m] of result.models.entries()) {
      expect(m.portable, m.algorithm.algorithm).not.toBeNull();
      const model = PortableClusterModelSchema.parse(readJsonFolder(path.join(output, m.portable!)));
      const bisecting = m.algorithm.algorithm === "bisectingKmeans";
      // A bisecting k-means's k leaves and k - 1 splits; a k-means has no tree.
      expect(model.tree?.length).toBe(bisecting ? 2 * model.centroids.length - 1 : undefined);
      expect(model.centroids).toHaveLength(m.k);
      const mllibOut = path.join(dir, `mllib-${index}`);
      await python(path.join(dir, "predict.py"), [path.join(output, m.pickle), `${dir}/rows`, mllibOut]);
      const want = clusters(await duck(`SELECT * FROM '${mllibOut}/*.parquet' ORDER BY rid`));
      const order = (sql: string, q: string) => `SELECT * FROM (${sql}) AS scored ORDER BY ${q}rid${q}`;
      const gotDuck = clusters(
        await duck(order(compileClustersSql({ model, dialect: "duckdb", input }).sql, '"')),
      );
      const gotSpark = clusters(
        await onSpark(order(compileClustersSql({ model, dialect: "spark", input }).sql, "`")),
      );
      const gotTs = inputRows.map((r) => [Number(r.rid), nearestCentroid(model, r)]);
      expect(want).toHaveLength(ROWS + 150);
      expect(gotDuck).toEqual(want);
      expect(gotSpark).toEqual(want);
      expect(gotTs).toEqual(want);
      // The training rows' clusters counted as the trainer reported its sizes.
      const sizes = new Array<number>(m.k).fill(0);
      for (const [rid, c] of want) if (rid! < 100000) sizes[c!]!++;
      expect(sizes).toEqual(m.sizes);
      // How often the tree's answer is not the nearest leaf centroid (why the tree is kept).
      const flat = { ...model, tree: undefined };
      const offNearest = inputRows.filter((r, i) => nearestCentroid(flat, r) !== want[i]![1]).length;
      report.push({ algorithm: m.algorithm.algorithm, k: m.k, rows: want.length, offNearest });
      if (!bisecting) expect(offNearest).toBe(0);
      else if (m.k === 6) expect(offNearest).toBeGreaterThan(0);
    }
    expect(result.models.map((m) => m.k)).toEqual([6, expect.any(Number), 4]);
    console.log("scoring mllib clusters:", JSON.stringify(report));
  });
});
