import type { ColumnType } from "@sous/contracts";
import { DECIMAL_SQL, decimalSql, SOUS_DECIMAL, sparkDecimalResult } from "../decimal.ts";
import type { CallExpr, Expr } from "../ir/expr.ts";
import type { SqlDialect } from "../render/dialect.ts";
import { literalArg } from "./function.ts";

/**
 * The building blocks of the catalog's renderings: the Spark forms that stay NULL instead of
 * raising under ANSI on, and the DuckDB forms that return what Spark returns (the research notes,
 * §4, list the differences being emulated). Entries in `scalars.ts` combine them.
 */

export const INTEGRAL: ReadonlySet<ColumnType> = new Set(["integer", "bigint"]);

const isLit = (e: Expr | undefined, test: (v: unknown) => boolean): boolean =>
  e?.kind === "lit" && e.value !== null && test(e.value);
const nonNegativeInt = (v: unknown) => /^\d+$/.test(String(v));
const positiveInt = (v: unknown) => /^\d+$/.test(String(v)) && Number(v) > 0;
export const nonEmptyText = (v: unknown) => typeof v === "string" && v !== "";
export const isLitArg = (e: CallExpr, i: number, test: (v: unknown) => boolean): boolean =>
  isLit(e.args[i], test);

export const asDecimal = (x: string): string => `CAST(${x} AS ${DECIMAL_SQL})`;

// ---- Spark ----------------------------------------------------------------------------------

/** Spark's function for a date part (the IR's unit names). */
export const SPARK_PART: Record<string, string> = {
  year: "year",
  quarter: "quarter",
  month: "month",
  week: "weekofyear",
  day: "dayofmonth",
  dayofweek: "dayofweek",
  dayofyear: "dayofyear",
  hour: "hour",
  minute: "minute",
  second: "second",
};

const INTERVAL_SLOT: Record<string, number> = { hour: 4, minute: 5, second: 6 };

export function sparkDateAdd([, d, n]: readonly string[], e: CallExpr): string {
  const unit = literalArg(e, 0);
  if (unit === "day") return `date_add(${d}, ${n})`;
  if (unit === "month") return `add_months(${d}, ${n})`;
  const slot = INTERVAL_SLOT[unit];
  if (slot === undefined) throw new Error(`compiler bug: date_add unit ${unit}`);
  const parts = Array.from({ length: 7 }, (_, i) => (i === slot ? n : "0"));
  return `(${d} + make_interval(${parts.join(", ")}))`;
}

/**
 * Integer and decimal arithmetic as try_add/try_subtract/try_multiply: NULL on overflow under
 * both ANSI settings (with ANSI on `+` raises ARITHMETIC_OVERFLOW, with it off it wraps).
 * Doubles cannot overflow (they become Infinity) and keep the operator.
 */
export const sparkChecked =
  (fn: string, op: string) =>
  ([a, b]: readonly string[], e: CallExpr): string => {
    if (e.type === "double") return `(${a} ${op} ${b})`;
    // Decimals: operands as Sous' DECIMAL(38, 9), the result back to it (Spark's own result
    // type would be (38, 8) for + -, (38, 6) for *: the value is rounded there, then widened).
    if (e.type === "decimal") return `try_cast(${fn}(${asDecimal(a!)}, ${asDecimal(b!)}) AS ${DECIMAL_SQL})`;
    return `${fn}(${a}, ${b})`;
  };

// ---- DuckDB ---------------------------------------------------------------------------------

/** DuckDB's function for a date part (the IR's unit names). */
export const DUCKDB_PART: Record<string, string> = { ...SPARK_PART, day: "day" };

/** max(n, 0) that stays NULL for NULL (greatest() would skip it). */
const atLeastZero = (n: string) => `CASE WHEN ${n} < 0 THEN 0 ELSE ${n} END`;
/** '' for a non-NULL string, NULL for NULL. */
export const emptyOf = (s: string) => `substring(${s}, 1, 0)`;

/**
 * Spark's UTF8String.substringSQL: start = pos - 1 (pos > 0), len + pos (pos < 0) or 0; the end
 * is start + length; both clamp at 0. DuckDB reads pos 0 and negative lengths differently.
 */
export function duckdbSubstring([s, p, n]: readonly string[], e: CallExpr): string {
  if (isLit(e.args[1], positiveInt) && (n === undefined || isLit(e.args[2], nonNegativeInt))) {
    return n === undefined ? `substring(${s}, ${p})` : `substring(${s}, ${p}, ${n})`;
  }
  const start = `(CASE WHEN ${p} > 0 THEN ${p} - 1 WHEN ${p} < 0 THEN length(${s}) + ${p} WHEN ${p} = 0 THEN 0 END)`;
  const clamped = `(${atLeastZero(start)})`;
  if (n === undefined) return `substring(${s}, ${clamped} + 1)`;
  const end = `(${start} + ${n})`;
  return `(CASE WHEN ${clamped} >= ${end} THEN ${emptyOf(s!)} ELSE substring(${s}, ${clamped} + 1, ${end} - ${clamped}) END)`;
}

/** Spark's lpad/rpad with an empty pad only truncates; DuckDB raises an error. */
export const duckdbPad =
  (fn: "lpad" | "rpad") =>
  ([s, n, p]: readonly string[], e: CallExpr): string =>
    isLit(e.args[2], nonEmptyText)
      ? `${fn}(${s}, ${n}, ${p})`
      : `(CASE WHEN ${p} = '' THEN left(${s}, ${atLeastZero(n!)}) ELSE ${fn}(${s}, ${n}, ${p}) END)`;

/** Spark's left/right give '' for n <= 0; DuckDB's drop characters from the other end. */
export const duckdbSide =
  (fn: "left" | "right") =>
  ([s, n]: readonly string[], e: CallExpr): string =>
    isLit(e.args[1], nonNegativeInt) ? `${fn}(${s}, ${n})` : `${fn}(${s}, ${atLeastZero(n!)})`;

export const duckdbGuardedLog =
  (fn: "ln" | "log10") =>
  ([x]: readonly string[]): string =>
    `(CASE WHEN ${x} > 0 THEN ${fn}(${x}) END)`;

const LIMITS: Partial<Record<ColumnType, [string, string]>> = {
  integer: ["-2147483648", "2147483647"],
  bigint: ["-9223372036854775808", "9223372036854775807"],
};

/**
 * The JVM's double -> int/long conversion (Spark's non-ANSI CAST, floor and ceil): NaN is 0 and
 * values beyond the range saturate. DuckDB raises a conversion error instead.
 */
export function duckdbSaturatingCast(x: string, type: ColumnType, d: SqlDialect): string {
  const [lo, hi] = LIMITS[type] ?? ["0", "0"];
  const t = d.typeName(type);
  // Every branch typed, or DuckDB would unify them to DOUBLE and fail casting 2^63 back.
  return `(CASE WHEN isnan(${x}) THEN CAST(0 AS ${t}) WHEN ${x} >= ${hi}.0 THEN CAST(${hi} AS ${t}) WHEN ${x} <= ${lo}.0 THEN CAST(${lo} AS ${t}) ELSE CAST(trunc(${x}) AS ${t}) END)`;
}

export const TO_INTERVAL: Record<string, string> = {
  hour: "to_hours",
  minute: "to_minutes",
  second: "to_seconds",
};

/** A wider integer type, so that DuckDB computes what overflows Spark's type without an error. */
export const WIDER: Partial<Record<ColumnType, string>> = { integer: "BIGINT", bigint: "HUGEINT" };

/**
 * Integer arithmetic computed in the wider type and TRY_CAST back: NULL on overflow, like the
 * Spark side's try_add/try_subtract/try_multiply (DuckDB itself raises an error).
 */
export const duckdbChecked =
  (op: "+" | "-" | "*") =>
  ([a, b]: readonly string[], e: CallExpr, d: SqlDialect): string => {
    if (e.type === "decimal") return duckdbDecimalArithmetic(op, a!, b!);
    const w = WIDER[e.type];
    return w
      ? `TRY_CAST(CAST(${a} AS ${w}) ${op} CAST(${b} AS ${w}) AS ${d.typeName(e.type)})`
      : `(${a} ${op} ${b})`;
  };

/**
 * Decimal + - * as Spark computes them on two DECIMAL(38, 9): DuckDB's exact result, rounded
 * HALF_UP (DuckDB's decimal cast rounds half away from zero, like Java's HALF_UP) to Spark's
 * result scale, then Sous' DECIMAL(38, 9). try(): DuckDB raises where the exact value overflows
 * its DECIMAL(38); Spark's try_* give NULL for what overflows theirs.
 */
function duckdbDecimalArithmetic(op: "+" | "-" | "*", a: string, b: string): string {
  const spark = sparkDecimalResult(op, SOUS_DECIMAL);
  const exact = `try(CAST(${a} AS ${DECIMAL_SQL}) ${op} CAST(${b} AS ${DECIMAL_SQL}))`;
  return `TRY_CAST(TRY_CAST(${exact} AS ${decimalSql(spark)}) AS ${DECIMAL_SQL})`;
}

/**
 * Java upper-cases these into several letters (SpecialCasing); DuckDB keeps them or, for ß,
 * gives the capital ẞ. Spark 4.0.1: upper('ßﬁŉǰ') = 'SSFIʼNJ̌'.
 */
const UPPER_EXPANSIONS: readonly [string, string][] = [
  ["ß", "SS"],
  ["ﬀ", "FF"],
  ["ﬁ", "FI"],
  ["ﬂ", "FL"],
  ["ﬃ", "FFI"],
  ["ﬄ", "FFL"],
  ["ﬅ", "ST"],
  ["ﬆ", "ST"],
  ["ŉ", "ʼN"],
  ["ǰ", "J̌"],
];
export const duckdbUpperLikeJava = (x: string, d: SqlDialect): string =>
  `upper(${UPPER_EXPANSIONS.reduce((acc, [from, to]) => `replace(${acc}, ${d.stringLiteral(from)}, ${d.stringLiteral(to)})`, x)})`;
/**
 * Java lower-cases İ into i + a combining dot and a word-final Σ into ς (Spark 4.0.1:
 * lower('İ ΟΔΟΣ') = 'i̇ οδος'); DuckDB gives 'i' and σ.
 */
export const duckdbLowerLikeJava = (x: string): string =>
  `regexp_replace(lower(replace(${x}, 'İ', 'i̇')), '(\\pL)σ($|\\PL)', '\\1ς\\2', 'g')`;
