import {
  SQL_CASE_INPUT,
  SQL_RECIPE_CASES,
} from "../../../packages/compiler/test/conformance/sql-recipe-cases.ts";
import type { ConformanceCase, Row } from "../types.ts";

/**
 * SQL code recipes: the user's SparkSQL as-is on Spark, and its tree-based translation
 * (sql-recipe/to-duckdb/) on DuckDB. A translated recipe's local verdict is `partial` (it names
 * what may still differ), so a difference here counts as flagged, never as equal by accident.
 */
export function sqlRecipeCases(): ConformanceCase[] {
  const rows: Row[] = SQL_CASE_INPUT.rows.map((r) =>
    Object.fromEntries(SQL_CASE_INPUT.schema.map((c, i) => [c.name, r[i] ?? null])),
  );
  return SQL_RECIPE_CASES.map((c) => ({
    name: `sql ${c.family}: ${c.name}`,
    source: "SQL code recipes",
    spec: { kind: "sql", version: 1, params: { sql: c.sql } },
    inputs: [{ name: SQL_CASE_INPUT.name, schema: SQL_CASE_INPUT.schema, rows }],
    ordered: c.ordered ?? false,
    parquet: false,
    subjects: [`sql ${c.family}`],
  }));
}
