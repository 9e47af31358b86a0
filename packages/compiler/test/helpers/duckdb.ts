import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import type { ColumnType, DatasetSchema } from "@sous/contracts";

/**
 * Test-side DuckDB helpers. Seeding deliberately does NOT use the compiler's quoting functions,
 * so a quoting bug in the compiler cannot hide itself by corrupting the seed data the same way.
 */
const TYPES: Record<ColumnType, string> = {
  string: "VARCHAR",
  integer: "INTEGER",
  bigint: "BIGINT",
  double: "DOUBLE",
  decimal: "DECIMAL(18, 2)",
  boolean: "BOOLEAN",
  date: "DATE",
  timestamp: "TIMESTAMP",
};

const ident = (s: string) => `"${s.split('"').join('""')}"`;
const text = (s: string) => `'${s.split("'").join("''")}'`;

export type Row = Record<string, unknown>;

function valueSql(v: unknown, type: ColumnType): string {
  if (v === null || v === undefined) return `CAST(NULL AS ${TYPES[type]})`;
  if (typeof v === "number" && !Number.isFinite(v)) throw new Error("use strings for NaN/Infinity");
  return `CAST(${text(String(v))} AS ${TYPES[type]})`;
}

export interface Db {
  conn: DuckDBConnection;
  dir: string;
  close(): void;
}

export async function openDb(): Promise<Db> {
  const instance = await DuckDBInstance.create(":memory:");
  const conn = await instance.connect();
  const dir = mkdtempSync(join(tmpdir(), "sous-compiler-"));
  return {
    conn,
    dir,
    close: () => {
      conn.closeSync();
      instance.closeSync();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Writes rows as `<dir>/part-0.parquet` with exactly the declared column types. */
export async function writeParquetDir(db: Db, dir: string, schema: DatasetSchema, rows: readonly Row[]) {
  mkdirSync(dir, { recursive: true });
  const cols = schema.map((c) => `${valueSql(null, c.type)} AS ${ident(c.name)}`).join(", ");
  const typed =
    rows.length === 0
      ? `SELECT ${cols} LIMIT 0`
      : rows
          .map(
            (r) =>
              `SELECT ${schema.map((c) => `${valueSql(r[c.name], c.type)} AS ${ident(c.name)}`).join(", ")}`,
          )
          .join(" UNION ALL ");
  await db.conn.run(`COPY (${typed}) TO ${text(join(dir, "part-0.parquet"))} (FORMAT parquet)`);
}

export interface Result {
  columns: { name: string; type: string }[];
  rows: Row[];
}

export async function query(db: Db, sql: string): Promise<Result> {
  const reader = await db.conn.runAndReadAll(sql);
  const names = reader.columnNames();
  const types = reader.columnTypes().map(String);
  const rows = reader.getRowsJson().map((values) => {
    const row: Row = {};
    names.forEach((n, i) => {
      row[n] = normalise(values[i], types[i] ?? "");
    });
    return row;
  });
  return { columns: names.map((name, i) => ({ name, type: types[i] ?? "?" })), rows };
}

/**
 * Makes engine values comparable with hand-written JSON: integers as numbers, doubles to 12
 * significant digits, decimals/dates/timestamps as DuckDB's text (e.g. "4.00", "2024-02-29").
 */
export function normalise(v: unknown, duckType: string): unknown {
  if (v === null) return null;
  if (/^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT)$/.test(duckType)) return Number(v);
  if (typeof v === "number" && !Number.isInteger(v)) return Number(v.toPrecision(12));
  return v;
}

/** The logical type DuckDB reports, in Sous' vocabulary, to check outputSchemas against reality. */
export function logicalType(duckType: string): ColumnType | string {
  if (duckType.startsWith("DECIMAL")) return "decimal";
  const map: Record<string, ColumnType> = {
    VARCHAR: "string",
    INTEGER: "integer",
    BIGINT: "bigint",
    DOUBLE: "double",
    BOOLEAN: "boolean",
    DATE: "date",
    TIMESTAMP: "timestamp",
  };
  return map[duckType] ?? duckType;
}

/** Sorts rows by their JSON form, for comparing results whose order is not defined. */
export function sortRows(rows: readonly Row[]): Row[] {
  return [...rows].sort((a, b) => {
    const x = JSON.stringify(a);
    const y = JSON.stringify(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}
