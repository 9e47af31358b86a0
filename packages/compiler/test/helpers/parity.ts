import { rmSync } from "node:fs";
import { join } from "node:path";
import type { DatasetSchema } from "@sous/contracts";
import { type CompiledStep, type CompileInput, compileRecipe } from "../../src/index.ts";
import { rowsOf, schemaOf } from "../prepare-harness.ts";
import { type Db, query, writeParquetDir } from "./duckdb.ts";

/**
 * Spark-parity tests: a prepare recipe runs on DuckDB and its values are compared with values
 * measured on Spark 4.0.1 (local pyspark, ANSI on and off, session time zone UTC, parser policy
 * CORRECTED). To re-check a value, run the recipe's SparkSQL (`sparkSql`) through
 * `startSparkLocal().sql(sql, conf)` from `@sous/spark-local` with both ANSI settings.
 */
export interface ParityRun {
  /** Each output column's values, in row order, as DuckDB returns them (the test helper's normal form). */
  columns: Record<string, unknown[]>;
  types: Record<string, string>;
  steps: CompiledStep[];
  sparkSql: string;
  duckdbSql: string;
}

let counter = 0;

/** Runs `steps` (a prepare recipe) on DuckDB over rows of "name:type" columns. */
export async function runPrepareOnDuckdb(
  db: Db,
  columns: readonly string[],
  rows: readonly unknown[][],
  steps: readonly object[],
): Promise<ParityRun> {
  const schema: DatasetSchema = schemaOf(columns);
  const dir = join(db.dir, `parity-${++counter}`);
  await writeParquetDir(db, dir, schema, rowsOf(columns, rows));
  const inputs: CompileInput[] = [{ name: "input", schema, location: { format: "parquet", path: dir } }];
  const spec = { kind: "prepare", version: 1, params: { steps } } as never;
  const spark = compileRecipe({ spec, inputs, dialect: "spark" });
  const duck = compileRecipe({ spec, inputs, dialect: "duckdb" });
  try {
    const result = await query(db, duck.sql);
    const out: Record<string, unknown[]> = {};
    const types: Record<string, string> = {};
    for (const c of result.columns) {
      out[c.name] = result.rows.map((r) => r[c.name]);
      types[c.name] = c.type;
    }
    return { columns: out, types, steps: duck.steps, sparkSql: spark.sql, duckdbSql: duck.sql };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A formula step per formula (outputs r0, r1, ...), run on DuckDB. */
export function formulaSteps(formulas: readonly string[]): object[] {
  return formulas.map((formula, i) => ({
    id: `f${i}`,
    type: "CreateColumnWithGREL",
    params: { output: `r${i}`, formula },
  }));
}
