import { createHash } from "node:crypto";
import type { ColumnType } from "@sous/contracts";
import type { CaseInput } from "./types.ts";

/**
 * Case inputs on both engines. DuckDB writes each input once as Parquet (the local engine's
 * path, and Spark's for `parquet` cases); for the other cases Spark reads the same rows as an
 * inline VALUES table: Spark folds it into a local relation, so a projection runs without a job.
 */
const DUCKDB: Record<ColumnType, string> = {
  string: "VARCHAR",
  integer: "INTEGER",
  bigint: "BIGINT",
  double: "DOUBLE",
  decimal: "DECIMAL(18, 2)",
  boolean: "BOOLEAN",
  date: "DATE",
  timestamp: "TIMESTAMP",
};
const SPARK: Record<ColumnType, string> = {
  string: "STRING",
  integer: "INT",
  bigint: "BIGINT",
  double: "DOUBLE",
  decimal: "DECIMAL(18,2)",
  boolean: "BOOLEAN",
  date: "DATE",
  timestamp: "TIMESTAMP",
};

/** The stored type of a column on one engine (a physical override is DuckDB syntax, valid on Spark too). */
function storedType(input: CaseInput, column: string, type: ColumnType, engine: "spark" | "duckdb") {
  const physical = input.physical?.[column];
  if (physical) return physical.replace(/\s+/g, "");
  return engine === "spark" ? SPARK[type] : DUCKDB[type];
}

export const inputHash = (input: CaseInput) =>
  createHash("sha256")
    .update(JSON.stringify([input.schema, input.physical ?? {}, input.rows]))
    .digest("hex")
    .slice(0, 24);

const text = (v: unknown) => (typeof v === "number" && Object.is(v, -0) ? "-0.0" : String(v));

/** DuckDB: the SELECT producing the input rows with exactly the stored types (no compiler quoting). */
export function duckdbRowsSql(input: CaseInput): string {
  const ident = (s: string) => `"${s.split('"').join('""')}"`;
  const lit = (s: string) => `'${s.split("'").join("''")}'`;
  const value = (v: unknown, t: string) =>
    v === null || v === undefined ? `CAST(NULL AS ${t})` : `CAST(${lit(text(v))} AS ${t})`;
  const types = input.schema.map((c) => storedType(input, c.name, c.type, "duckdb"));
  const names = input.schema.map((c) => ident(c.name));
  if (input.rows.length === 0)
    return `SELECT ${input.schema.map((_c, i) => `${value(null, types[i]!)} AS ${names[i]}`).join(", ")} LIMIT 0`;
  return input.rows
    .map(
      (r) =>
        `SELECT ${input.schema.map((c, i) => `${value(r[c.name], types[i]!)} AS ${names[i]}`).join(", ")}`,
    )
    .join(" UNION ALL ");
}

/** Spark: the input as a parenthesised inline table, to stand where the compiled SQL reads the Parquet. */
export function sparkInlineSource(input: CaseInput): string {
  const ident = (s: string) => `\`${s.split("`").join("``")}\``;
  const lit = (s: string) => `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
  const types = input.schema.map((c) => storedType(input, c.name, c.type, "spark"));
  const value = (v: unknown, t: string) =>
    v === null || v === undefined ? `CAST(NULL AS ${t})` : `CAST(${lit(text(v))} AS ${t})`;
  const names = input.schema.map((c) => ident(c.name));
  if (input.rows.length === 0)
    return `(SELECT ${input.schema.map((_c, i) => `${value(null, types[i]!)} AS ${names[i]}`).join(", ")} LIMIT 0)`;
  const rows = input.rows.map(
    (r) => `(${input.schema.map((c, i) => value(r[c.name], types[i]!)).join(", ")})`,
  );
  return `(SELECT * FROM VALUES ${rows.join(", ")} AS _cf(${names.join(", ")}))`;
}
