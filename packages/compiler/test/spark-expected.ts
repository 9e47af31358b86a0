// Fills a golden fixture's `expected` (schema and rows) from real Apache Spark, so expected rows
// are Spark's answer and never written by hand:
//   pnpm exec tsx packages/compiler/test/spark-expected.ts packages/compiler/test/fixtures/join-range-*.recipe.json
// Inputs are written as Parquet by DuckDB (as the golden test and the conformance suite do), the
// recipe is compiled to SparkSQL and run on the venv's pyspark (local mode) with ANSI off and
// Sous' session settings; with ANSI on as well, the two answers must agree or the script fails.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { DatasetSchema } from "@sous/contracts";
import { type SparkResult, startSparkLocal } from "@sous/spark-local";
import { compileRecipe, SPARK_SESSION_SETTINGS } from "../src/index.ts";
import { openDb, type Row, writeParquetDir } from "./helpers/duckdb.ts";

interface Fixture {
  description: string;
  spec: unknown;
  inputs: { name: string; schema: DatasetSchema; rows: Row[] }[];
  expected?: { schema: DatasetSchema; rows: Row[]; ordered: boolean };
}

const SPARK_TYPES: Record<string, string> = {
  int: "integer",
  bigint: "bigint",
  double: "double",
  string: "string",
  boolean: "boolean",
  date: "date",
  timestamp: "timestamp",
};

/** Spark's JSON values in the fixtures' form (DuckDB's text for timestamps and decimals). */
function value(v: unknown, type: string): unknown {
  if (v === null || v === undefined) return null;
  if (type === "timestamp")
    return String(v)
      .replace("T", " ")
      .replace(/(\.\d*?)0+$/, "$1")
      .replace(/\.$/, "");
  if (type === "double" && typeof v === "string") return v; // NaN / Infinity
  return v;
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: spark-expected.ts <fixture.recipe.json>...");
  process.exit(2);
}
const db = await openDb();
const spark = await startSparkLocal();
const root = path.join(db.dir, "spark-expected");
try {
  for (const file of files) {
    const fixture = JSON.parse(readFileSync(file, "utf8")) as Fixture;
    const name = path.basename(file).replace(/\.recipe\.json$/, "");
    const dirs = fixture.inputs.map((_x, i) => path.join(root, name, `in${i}`));
    for (const [i, input] of fixture.inputs.entries()) {
      rmSync(dirs[i]!, { recursive: true, force: true });
      mkdirSync(dirs[i]!, { recursive: true });
      await writeParquetDir(db, dirs[i]!, input.schema, input.rows);
    }
    const { sql } = compileRecipe({
      spec: fixture.spec as never,
      dialect: "spark",
      inputs: fixture.inputs.map((input, i) => ({
        name: input.name,
        schema: input.schema,
        location: { format: "parquet", path: dirs[i]! },
      })),
    });
    const run = (ansi: string): Promise<SparkResult> =>
      spark.sql(sql, { ...SPARK_SESSION_SETTINGS, "spark.sql.ansi.enabled": ansi });
    const off = await run("false");
    const on = await run("true");
    if (!off.ok) throw new Error(`${name}: Spark failed: ${off.errorClass} ${off.message}`);
    if (JSON.stringify(on) !== JSON.stringify(off))
      throw new Error(`${name}: Spark answers differently with ANSI on: ${JSON.stringify(on).slice(0, 400)}`);
    const schema = off.columns.map((c) => ({ name: c.name, type: SPARK_TYPES[c.type] ?? c.type }));
    const rows = off.rows.map((r) => Object.fromEntries(schema.map((c, i) => [c.name, value(r[i], c.type)])));
    fixture.expected = { schema: schema as DatasetSchema, ordered: false, rows };
    writeFileSync(file, `${JSON.stringify(fixture, null, 2)}\n`);
    console.log(`${name}: ${rows.length} rows from Spark ${spark.version}`);
  }
} finally {
  await spark.stop();
  db.close();
}
