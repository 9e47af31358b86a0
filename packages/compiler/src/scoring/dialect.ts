import type { SqlDialect } from "../render/dialect.ts";
import { DIALECT_HOOKS } from "../render/dialects.ts";
import type { Dialect } from "../types.ts";

/**
 * What scoring SQL needs beyond the renderer's hooks (quoting, type names): constant arrays that
 * hold a tree's leaf values, indexed by the leaf a row reaches. Everything else it writes (CASE,
 * arithmetic, exp, greatest, isnan, exponent literals as DOUBLE) reads the same on both engines.
 */
export interface ScoringDialect {
  readonly sql: SqlDialect;
  /** An array of these items (of one type). */
  array(items: readonly string[]): string;
  /** The element at a 1-based index that is always in range. */
  element(array: string, index1: string): string;
  /** Integer division of two non-negative INTEGERs, as an INTEGER. */
  intDiv(a: string, b: string): string;
  /** Milliseconds since 1970-01-01 UTC as a BIGINT (a DATE counts from its midnight). */
  epochMillis(x: string, type: "date" | "timestamp"): string;
  /** The DATE a whole number of days after 1970-01-01. */
  dateFromEpochDays(days: string): string;
}

const duckdb: ScoringDialect = {
  sql: DIALECT_HOOKS.duckdb,
  array: (items) => `[${items.join(",")}]`,
  // DuckDB lists index from 1.
  element: (array, index) => `${array}[${index}]`,
  intDiv: (a, b) => `(${a} // ${b})`,
  epochMillis: (x, type) =>
    type === "date" ? `(CAST(${x} - DATE '1970-01-01' AS BIGINT) * 86400000)` : `epoch_ms(${x})`,
  dateFromEpochDays: (days) => `(DATE '1970-01-01' + CAST(${days} AS INTEGER))`,
};

const spark: ScoringDialect = {
  sql: DIALECT_HOOKS.spark,
  array: (items) => `array(${items.join(",")})`,
  // element_at is 1-based (arr[i] is 0-based); the index is always in range, so ANSI never raises.
  element: (array, index) => `element_at(${array},${index})`,
  // div gives a BIGINT; element_at takes an INT index.
  intDiv: (a, b) => `CAST(${a} div ${b} AS INT)`,
  epochMillis: (x, type) =>
    type === "date" ? `(CAST(unix_date(${x}) AS BIGINT) * 86400000)` : `unix_millis(${x})`,
  dateFromEpochDays: (days) => `date_from_unix_date(CAST(${days} AS INT))`,
};

export const SCORING_HOOKS: Record<Dialect, ScoringDialect> = { duckdb, spark };
