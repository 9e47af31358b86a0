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

/**
 * Turns DuckDB's JSON rendering of a value into a plain JS value (numbers as numbers where exact
 * enough for SQL: pivot values, column stats). Rows shown to a user go through previewCellFor.
 */
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

/**
 * A DECIMAL's text without the zeros its scale pads it with ("12.500000000" -> "12.5",
 * "3.000" -> "3", "-0.000" -> "0"): the same value, exactly, in the fewest digits.
 */
export function trimDecimalText(text: string): string {
  let t = text.trim();
  if (t.includes(".")) t = t.replace(/0+$/, "").replace(/\.$/, "");
  return t === "-0" ? "0" : t;
}

/**
 * A cell of a preview or sample page, as the API sends it: DECIMALs as their exact text (a JS
 * number would turn 12345678901234567890.123456789 into 12345678901234567000), integers as
 * numbers up to 2^53 and as text beyond, FLOATs as the shortest decimal that reads back as the
 * same float (0.1, not 0.10000000149011612). The schema's type says how the studio formats it.
 */
export function previewCellFor(duckType: string, v: unknown): string | number | boolean | null {
  if (v === null || v === undefined) return null;
  const t = duckType.toUpperCase();
  if (t.startsWith("DECIMAL")) return trimDecimalText(String(v));
  if (t === "FLOAT" && typeof v === "number") return shortestFloat(v);
  return jsonValueFor(duckType, v);
}

/** The shortest decimal that reads back as the same 32-bit float. */
function shortestFloat(v: number): number {
  if (!Number.isFinite(v)) return v;
  for (let p = 1; p <= 9; p++) {
    const n = Number(v.toPrecision(p));
    if (Math.fround(n) === v) return n;
  }
  return v;
}
