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
}

const duckdb: ScoringDialect = {
  sql: DIALECT_HOOKS.duckdb,
  array: (items) => `[${items.join(",")}]`,
  // DuckDB lists index from 1.
  element: (array, index) => `${array}[${index}]`,
  intDiv: (a, b) => `(${a} // ${b})`,
};

const spark: ScoringDialect = {
  sql: DIALECT_HOOKS.spark,
  array: (items) => `array(${items.join(",")})`,
  // element_at is 1-based (arr[i] is 0-based); the index is always in range, so ANSI never raises.
  element: (array, index) => `element_at(${array},${index})`,
  // div gives a BIGINT; element_at takes an INT index.
  intDiv: (a, b) => `CAST(${a} div ${b} AS INT)`,
};

export const SCORING_HOOKS: Record<Dialect, ScoringDialect> = { duckdb, spark };
