import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import type { DatasetSchema, RecipeSpec } from "@sous/contracts";
import type { PortableModel } from "@sous/ml";
import {
  connectSharedSpark,
  type SparkLocal,
  type SparkValue,
  sparkLocalAvailability,
  startSparkLocal,
} from "@sous/spark-local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CompileInput, compileRecipe } from "../src/index.ts";

// The evaluate recipe's Spark SQL run on real local Spark: every metric equals the DuckDB run's
// (itself equal to scikit-learn's, evaluate-recipe.test.ts) on the same Parquet rows, for the
// three tasks, with tied scores, NULL labels and a label the model does not know.

const spark_ = sparkLocalAvailability();
const features: PortableModel["features"] = [
  { name: "x", type: "numeric", impute: 0.5, rescale: { kind: "standard", mean: 1, scale: 2 } },
  { name: "cat", type: "categorical", impute: "u", levels: ["u", "v"], others: true },
];
const base = { format: "sous-portable-model", version: 1, features } as const;
const models: Record<string, PortableModel> = {
  yb: {
    ...base,
    task: "binary",
    classes: ["no", "yes"],
    model: { kind: "linear", link: "logistic", coefficients: [[0.9, -0.4, 0.7, 0.2]], intercepts: [-0.1] },
  },
  ym: {
    ...base,
    task: "multiclass",
    classes: ["a", "b", "c"],
    model: {
      kind: "linear",
      link: "softmax",
      coefficients: [
        [0.7, -0.2, 0.4, 0.1],
        [-0.3, 0.5, -0.6, 0.2],
        [0.1, 0.05, 0.3, -0.9],
      ],
      intercepts: [0.1, -0.2, 0.05],
    },
  },
  yr: {
    ...base,
    task: "regression",
    classes: null,
    model: { kind: "linear", link: "identity", coefficients: [[1.5, 0.3, -0.8, 0.1]], intercepts: [2] },
  },
};
const schema: DatasetSchema = [
  { name: "id", type: "integer" },
  { name: "x", type: "double" },
  { name: "cat", type: "string" },
  { name: "yb", type: "string" },
  { name: "ym", type: "string" },
  { name: "yr", type: "double" },
];

let dir: string;
let input: CompileInput;
let db: DuckDBInstance;
let conn: DuckDBConnection;
let spark: SparkLocal;

describe.skipIf(!spark_.ok)("evaluate recipe SQL on DuckDB and Spark", { timeout: 300_000 }, () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "evaluate-spark-"));
    db = await DuckDBInstance.create(":memory:");
    conn = await db.connect();
    await conn.run(`COPY (SELECT i::INTEGER AS id,
        CASE WHEN i % 19 = 0 THEN NULL ELSE ((i * 7) % 9) / 2.0 - 1 END::DOUBLE AS x,
        ['u', 'v', 'w', NULL][(i % 4) + 1] AS cat,
        CASE WHEN i % 31 = 0 THEN NULL WHEN (i * 13) % 11 < 5 THEN 'yes' ELSE 'no' END AS yb,
        CASE WHEN i % 50 = 0 THEN 'd' ELSE ['a', 'b', 'c', 'c'][((i * 5) % 4) + 1] END AS ym,
        ((i * 37) % 101) / 10.0 - 3 AS yr
      FROM range(1, 301) t(i)) TO '${dir}/part-0.parquet' (FORMAT parquet)`);
    input = { name: "labelled", schema, location: { format: "parquet", path: dir } };
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

  for (const label of ["yb", "ym", "yr"])
    it(`${models[label]!.task}: the metrics row and the scored rows agree between engines`, async () => {
      const spec: RecipeSpec = {
        kind: "evaluate",
        version: 1,
        params: { savedModelId: "sm", labelColumn: label },
      };
      const context = {
        scoringModel: {
          savedModelId: "sm",
          savedModelName: "m",
          versionId: "v",
          versionNumber: 1,
          portable: models[label]!,
        },
        evaluatedAt: "2026-12-07T07:45:00Z",
      };
      const d = compileRecipe({ spec, inputs: [input], dialect: "duckdb", context });
      const s = compileRecipe({ spec, inputs: [input], dialect: "spark", context });
      const [dm] = (await conn.runAndReadAll(d.sqlPerOutput![1]!)).getRowObjectsJS();
      const r = await spark.sql(s.sqlPerOutput![1]!, {}, { maxRows: 10 });
      if (!r.ok) throw new Error(`Spark: ${r.errorClass}: ${r.message}`);
      const sm = Object.fromEntries(r.columns.map((c, i) => [c.name, r.rows[0]![i] as SparkValue]));
      const metrics = d.outputSchemas[1]!.slice(4).map((c) => c.name);
      expect(Number(sm.rows)).toBe(Number(dm!.rows));
      for (const k of metrics) expect(Math.abs(Number(sm[k]) - Number(dm![k])), k).toBeLessThan(1e-12);
      const rows = await spark.sql(
        `SELECT COUNT(*) AS n FROM (${s.sqlPerOutput![0]!}) t`,
        {},
        { maxRows: 1 },
      );
      if (!rows.ok) throw new Error(`Spark: ${rows.errorClass}: ${rows.message}`);
      expect(Number(rows.rows[0]![0])).toBe(300);
      console.log(`evaluate on Spark (${models[label]!.task}): ${JSON.stringify(sm)}`);
    });
});
