import type { ColumnType } from "@sous/contracts";

const NUMERIC_RANK: Partial<Record<ColumnType, number>> = { integer: 0, bigint: 1, decimal: 2, double: 3 };
const TEMPORAL: ReadonlySet<ColumnType> = new Set(["date", "timestamp"]);

/**
 * The type both engines widen two types to (numbers: integer < bigint < decimal < double;
 * date with timestamp: timestamp), or null when they would not agree (e.g. string vs number:
 * Spark casts implicitly, DuckDB refuses).
 */
export function commonType(a: ColumnType, b: ColumnType): ColumnType | null {
  if (a === b) return a;
  const ra = NUMERIC_RANK[a];
  const rb = NUMERIC_RANK[b];
  if (ra !== undefined && rb !== undefined) return ra >= rb ? a : b;
  if (TEMPORAL.has(a) && TEMPORAL.has(b)) return "timestamp";
  return null;
}
