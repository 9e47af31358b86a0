import type { ColumnType } from "@sous/contracts";

const INTEGRAL: ReadonlySet<ColumnType> = new Set(["integer", "bigint"]);
const FRACTIONAL: ReadonlySet<ColumnType> = new Set(["double", "decimal"]);

/**
 * Whether a CAST can meet a value the target cannot hold (bad text, overflow, NaN). Spark raises
 * on those with ANSI mode on (Spark 4 / DBR 17 default) and returns NULL or wraps with it off,
 * so such casts are rendered as try_cast (NULL under both settings) and DuckDB's TRY_CAST.
 * Widening casts (int -> bigint, numbers -> string, date <-> timestamp) cannot fail.
 */
export function castCanFail(from: ColumnType, to: ColumnType): boolean {
  if (from === to || to === "string") return false;
  if (from === "string") return true;
  if (FRACTIONAL.has(from) && (INTEGRAL.has(to) || to === "decimal")) return true;
  return from === "bigint" && to === "integer";
}
