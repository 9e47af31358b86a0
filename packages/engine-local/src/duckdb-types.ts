import type { ColumnType } from "@sous/contracts";

/** The DuckDB type Sous writes for each of its types (imports with a chosen type, schema edits). */
export const DUCK_TYPE_OF: Record<ColumnType, string> = {
  string: "VARCHAR",
  integer: "INTEGER",
  bigint: "BIGINT",
  double: "DOUBLE",
  decimal: "DECIMAL(38, 9)",
  boolean: "BOOLEAN",
  date: "DATE",
  timestamp: "TIMESTAMP",
};

/** Maps a DuckDB type name to Sous' logical type; null when Sous has no such type (kept as string). */
export function sousTypeOfDuckDb(duckType: string): ColumnType | null {
  const t = duckType.toUpperCase();
  if (t === "VARCHAR") return "string";
  if (["INTEGER", "SMALLINT", "TINYINT", "USMALLINT", "UTINYINT"].includes(t)) return "integer";
  if (["BIGINT", "UINTEGER"].includes(t)) return "bigint";
  if (["DOUBLE", "FLOAT"].includes(t)) return "double";
  if (t.startsWith("DECIMAL")) return "decimal";
  if (t === "BOOLEAN") return "boolean";
  if (t === "DATE") return "date";
  if (t.startsWith("TIMESTAMP")) return "timestamp";
  return null;
}

/** Turns DuckDB's JSON rendering of a value into what the API returns (numbers as numbers where exact). */
export function jsonValueFor(duckType: string, v: unknown): string | number | boolean | null {
  if (v === null || v === undefined) return null;
  const t = duckType.toUpperCase();
  if ((t === "BIGINT" || t === "HUGEINT" || t === "UBIGINT") && typeof v === "string") {
    const n = Number(v);
    return Number.isSafeInteger(n) ? n : v;
  }
  if (t.startsWith("DECIMAL") && typeof v === "string") return Number(v);
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
  return JSON.stringify(v);
}
