import type { ColumnType } from "@sous/contracts";
import { DECIMAL_TEXT } from "../conditions.ts";
import { duckdbParseLikeSpark, parseDifference, patternRuns } from "../dates/spark-patterns.ts";
import { DECIMAL_SQL, decimalSql, SOUS_DECIMAL, sparkDecimalResult } from "../decimal.ts";
import type { CallExpr, Expr } from "../ir/expr.ts";
import type { Translatability } from "../types.ts";
import { type FormulaScalarFn, literalArg } from "./ir.ts";

/**
 * DuckDB renderings of the formula functions. Everything here makes DuckDB return what Spark
 * returns (under both ANSI settings); the research notes (§4) list the differences being emulated.
 */
const TYPES: Record<ColumnType, string> = {
  string: "VARCHAR",
  integer: "INTEGER",
  bigint: "BIGINT",
  double: "DOUBLE",
  decimal: DECIMAL_SQL,
  boolean: "BOOLEAN",
  date: "DATE",
  timestamp: "TIMESTAMP",
};

const PART: Record<string, string> = {
  year: "year",
  quarter: "quarter",
  month: "month",
  week: "weekofyear",
  day: "day",
  dayofweek: "dayofweek",
  dayofyear: "dayofyear",
  hour: "hour",
  minute: "minute",
  second: "second",
};

const isLit = (e: Expr | undefined, test: (v: unknown) => boolean): boolean =>
  e?.kind === "lit" && e.value !== null && test(e.value);
const nonNegativeInt = (v: unknown) => /^\d+$/.test(String(v));
const positiveInt = (v: unknown) => /^\d+$/.test(String(v)) && Number(v) > 0;
const nonEmptyText = (v: unknown) => typeof v === "string" && v !== "";

/** max(n, 0) that stays NULL for NULL (greatest() would skip it). */
const atLeastZero = (n: string) => `CASE WHEN ${n} < 0 THEN 0 ELSE ${n} END`;
/** '' for a non-NULL string, NULL for NULL. */
const emptyOf = (s: string) => `substring(${s}, 1, 0)`;

/**
 * Spark's UTF8String.substringSQL: start = pos - 1 (pos > 0), len + pos (pos < 0) or 0; the end
 * is start + length; both clamp at 0. DuckDB reads pos 0 and negative lengths differently.
 */
function substring([s, p, n]: readonly string[], e: CallExpr): string {
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
const pad =
  (fn: "lpad" | "rpad") =>
  ([s, n, p]: readonly string[], e: CallExpr): string =>
    isLit(e.args[2], nonEmptyText)
      ? `${fn}(${s}, ${n}, ${p})`
      : `(CASE WHEN ${p} = '' THEN left(${s}, ${atLeastZero(n!)}) ELSE ${fn}(${s}, ${n}, ${p}) END)`;

/** Spark's left/right give '' for n <= 0; DuckDB's drop characters from the other end. */
const side =
  (fn: "left" | "right") =>
  ([s, n]: readonly string[], e: CallExpr): string =>
    isLit(e.args[1], nonNegativeInt) ? `${fn}(${s}, ${n})` : `${fn}(${s}, ${atLeastZero(n!)})`;

const guardedLog =
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
function saturatingCast(x: string, type: ColumnType): string {
  const [lo, hi] = LIMITS[type] ?? ["0", "0"];
  const t = TYPES[type];
  // Every branch typed, or DuckDB would unify them to DOUBLE and fail casting 2^63 back.
  return `(CASE WHEN isnan(${x}) THEN CAST(0 AS ${t}) WHEN ${x} >= ${hi}.0 THEN CAST(${hi} AS ${t}) WHEN ${x} <= ${lo}.0 THEN CAST(${lo} AS ${t}) ELSE CAST(trunc(${x}) AS ${t}) END)`;
}

const TO_INTERVAL: Record<string, string> = { hour: "to_hours", minute: "to_minutes", second: "to_seconds" };

/** A wider integer type, so that DuckDB computes what overflows Spark's type without an error. */
const WIDER: Partial<Record<ColumnType, string>> = { integer: "BIGINT", bigint: "HUGEINT" };

/**
 * Integer arithmetic computed in the wider type and TRY_CAST back: NULL on overflow, like the
 * Spark side's try_add/try_subtract/try_multiply (DuckDB itself raises an error).
 */
const checked =
  (op: "+" | "-" | "*") =>
  ([a, b]: readonly string[], e: CallExpr): string => {
    if (e.type === "decimal") return decimalArithmetic(op, a!, b!);
    const w = WIDER[e.type];
    return w
      ? `TRY_CAST(CAST(${a} AS ${w}) ${op} CAST(${b} AS ${w}) AS ${TYPES[e.type]})`
      : `(${a} ${op} ${b})`;
  };

/**
 * Decimal + - * as Spark computes them on two DECIMAL(38, 9): DuckDB's exact result, rounded
 * HALF_UP (DuckDB's decimal cast rounds half away from zero, like Java's HALF_UP) to Spark's
 * result scale, then Sous' DECIMAL(38, 9). try(): DuckDB raises where the exact value overflows
 * its DECIMAL(38); Spark's try_* give NULL for what overflows theirs.
 */
function decimalArithmetic(op: "+" | "-" | "*", a: string, b: string): string {
  const spark = sparkDecimalResult(op, SOUS_DECIMAL);
  const exact = `try(CAST(${a} AS ${DECIMAL_SQL}) ${op} CAST(${b} AS ${DECIMAL_SQL}))`;
  return `TRY_CAST(TRY_CAST(${exact} AS ${decimalSql(spark)}) AS ${DECIMAL_SQL})`;
}

export const FORMULA_DUCKDB_SCALARS: Partial<
  Record<FormulaScalarFn, (args: readonly string[], e: CallExpr) => string>
> = {
  add: checked("+"),
  subtract: checked("-"),
  multiply: checked("*"),
  negate: ([a], e) => {
    const w = WIDER[e.type];
    return w ? `TRY_CAST(- CAST(${a} AS ${w}) AS ${TYPES[e.type]})` : `(- ${a})`;
  },
  abs: ([a], e) => {
    const w = WIDER[e.type];
    return w ? `TRY_CAST(abs(CAST(${a} AS ${w})) AS ${TYPES[e.type]})` : `abs(${a})`;
  },
  // MIN_INT % -1 is 0 on Spark; DuckDB raises an overflow unless computed in the wider type.
  remainder: ([a, b], e) => {
    if (e.type === "decimal")
      return `(CAST(${a} AS ${DECIMAL_SQL}) % NULLIF(CAST(${b} AS ${DECIMAL_SQL}), 0))`;
    const w = WIDER[e.type];
    return w ? `CAST(CAST(${a} AS ${w}) % NULLIF(${b}, 0) AS ${TYPES[e.type]})` : `(${a} % NULLIF(${b}, 0))`;
  },
  // || propagates NULL like Spark's concat; DuckDB's concat() skips NULLs. The cast keeps the
  // type VARCHAR when DuckDB folds NULL operands (it types NULL || NULL as INTEGER).
  concat: (args) => `CAST(${args.join(" || ")} AS VARCHAR)`,
  char_length: ([s]) => `CAST(length(${s}) AS INTEGER)`,
  substring,
  // Every match (the 'g' option), with the replacement already translated to RE2's \1 syntax.
  regexp_replace: ([s, p, , r2]) => `regexp_replace(${s}, ${p}, ${r2}, 'g')`,
  // Spark does not split on an empty delimiter; DuckDB splits into characters.
  split_part: ([s, d, n], e) =>
    isLit(e.args[1], nonEmptyText)
      ? `split_part(${s}, ${d}, ${n})`
      : `(CASE WHEN ${d} = '' THEN (CASE WHEN ${n} IN (1, -1) THEN ${s} ELSE ${emptyOf(s!)} END) ELSE split_part(${s}, ${d}, ${n}) END)`,
  lpad: pad("lpad"),
  rpad: pad("rpad"),
  instr: ([s, sub]) => `CAST(instr(${s}, ${sub}) AS INTEGER)`,
  left: side("left"),
  right: side("right"),
  // DuckDB has no initcap; Spark capitalises the first letter after each space.
  initcap: ([s]) =>
    `array_to_string(list_transform(string_split(lower(${s}), ' '), _w -> upper(_w[1]) || _w[2:]), ' ')`,
  // DuckDB rounds a double's binary value; Spark rounds its shortest decimal text HALF_UP
  // (BigDecimal(Double.toString(x))). Beyond 1e17 every double is an integer anyway.
  round: ([x, d], e) =>
    e.type === "double"
      ? `(CASE WHEN abs(${x}) < 1e17 THEN CAST(round(CAST(CAST(${x} AS VARCHAR) AS DECIMAL(38, 20)), ${d}) AS DOUBLE) ELSE round(${x}, ${d}) END)`
      : e.type === "decimal"
        ? `CAST(round(${x}, ${d}) AS ${DECIMAL_SQL})`
        : // Integers rounded to tens or more can leave their type: NULL, like the Spark side.
          `TRY_CAST(round(CAST(${x} AS ${WIDER[e.type]}), ${d}) AS ${TYPES[e.type]})`,
  floor: ([x], e) =>
    e.args[0]?.type === "double"
      ? saturatingCast(`floor(${x})`, "bigint")
      : e.type === "bigint"
        ? `CAST(floor(${x}) AS BIGINT)`
        : `CAST(floor(${x}) AS ${DECIMAL_SQL})`,
  ceil: ([x], e) =>
    e.args[0]?.type === "double"
      ? saturatingCast(`ceil(${x})`, "bigint")
      : e.type === "bigint"
        ? `CAST(ceil(${x}) AS BIGINT)`
        : `CAST(ceil(${x}) AS ${DECIMAL_SQL})`,
  // DuckDB raises an error where Spark returns NaN / NULL.
  sqrt: ([x]) => `(CASE WHEN ${x} < 0 THEN CAST('NaN' AS DOUBLE) ELSE sqrt(${x}) END)`,
  ln: guardedLog("ln"),
  log10: guardedLog("log10"),
  // Spark's signum(NaN) is NaN; DuckDB's sign(NaN) is 0.
  sign: ([x]) => `(CASE WHEN isnan(${x}) THEN ${x} ELSE CAST(sign(${x}) AS DOUBLE) END)`,
  // Spark reverses code points (a combining accent moves before its letter); DuckDB's reverse
  // keeps grapheme clusters together.
  reverse: ([s]) => `array_to_string(list_reverse(string_split(${s}, '')), '')`,
  // now() is a TIMESTAMPTZ in DuckDB, which CAST and current_date read in the connection's time
  // zone (the host's unless set); Sous' Spark sessions run in UTC, so the UTC wall clock, always.
  current_timestamp: () => "CAST(timezone('UTC', current_timestamp) AS TIMESTAMP)",
  current_date: () => "CAST(timezone('UTC', current_timestamp) AS DATE)",
  date_part: ([, d], e) => {
    const unit = literalArg(e, 0);
    // Spark: 1 = Sunday ... 7 = Saturday; DuckDB: 0 = Sunday.
    const sql = unit === "dayofweek" ? `(dayofweek(${d}) + 1)` : `${PART[unit]}(${d})`;
    return `CAST(${sql} AS INTEGER)`;
  },
  // Spark: datediff(end, start); DuckDB: date_diff('day', start, end) on the dates.
  date_diff_days: ([end, start]) =>
    `CAST(date_diff('day', CAST(${start} AS DATE), CAST(${end} AS DATE)) AS INTEGER)`,
  date_add: ([, d, n], e) => {
    const unit = literalArg(e, 0);
    if (unit === "day") return `date_add(${d}, ${n})`;
    // Adding months clamps to the month's last day on both engines (Jan 31 + 1 month = Feb 29).
    if (unit === "month") return `CAST(${d} + to_months(${n}) AS DATE)`;
    return `(${d} + ${TO_INTERVAL[unit]}(${n}))`;
  },
  // Argument 3: the strict text regex ('' when the pattern has none), quoted by the dialect.
  parse_date: ([s, , f, strict], e) =>
    `CAST(${duckdbParseLikeSpark(s!, literalArg(e, 1), f!, literalArg(e, 3) === "" ? null : strict!)} AS DATE)`,
  format_date: ([d, , f]) => `strftime(${d}, ${f})`,
  date_trunc: ([u, d], e) =>
    e.type === "date" ? `CAST(date_trunc(${u}, ${d}) AS DATE)` : `date_trunc(${u}, ${d})`,
  from_string: ([s], e) =>
    e.type === "integer" || e.type === "bigint"
      ? // Spark's try_cast takes digits only ('1.9', '1e3', '0x10', '1_000' are NULL); DuckDB's
        // would round or read them. Spark trims spaces and control characters around them.
        `TRY_CAST(regexp_extract(${s}, '^[\\x00-\\x20]*([+-]?[0-9]+)[\\x00-\\x20]*$', 1) AS ${TYPES[e.type]})`
      : e.type === "double" || e.type === "decimal"
        ? // DuckDB reads '1_000' as 1000; Spark does not: an underscore makes the text invalid.
          `TRY_CAST(replace(${s}, '_', 'x') AS ${TYPES[e.type]})`
        : `TRY_CAST(${s} AS ${TYPES[e.type]})`,
  to_string: ([x]) => `CAST(${x} AS VARCHAR)`,
  // Spark's try_cast: fractions truncate, NaN and out-of-range values are NULL.
  to_integral: ([x], e) =>
    e.args[0]?.type === "double"
      ? `TRY_CAST(trunc(${x}) AS ${TYPES[e.type]})`
      : `TRY_CAST(${x} AS ${TYPES[e.type]})`,
};

const DOUBLE_TEXT = "doubles are printed differently from Spark (10000000000.0 instead of 1.0E10)";

/** Measured on Spark 4.0.1: 99999999999999.99 * 12345678.91 is 1234567890999999876543.2109 there. */
const DECIMAL_PRODUCT =
  "decimal products of 10^20 or more are NULL locally: DuckDB keeps the exact product's 18 decimals in a DECIMAL(38), Spark rounds it to 6 and reaches 10^29";

/** Where DuckDB cannot reproduce Spark for a formula function (undefined: it can). Regexes: the dialect. */
export function assessFormulaOnDuckdb(e: Expr): Exclude<Translatability, { level: "full" }> | undefined {
  if (e.kind !== "call") return undefined;
  switch (e.fn) {
    case "multiply":
      return e.type === "decimal" ? { level: "partial", condition: DECIMAL_PRODUCT } : undefined;
    case "to_string":
      if (e.args[0]?.type === "double") return { level: "partial", condition: DOUBLE_TEXT };
      return e.args[0]?.type === "decimal" ? { level: "partial", condition: DECIMAL_TEXT } : undefined;
    case "from_string":
      if (e.type === "double")
        return {
          level: "partial",
          condition: "text Java reads as a number but DuckDB does not (e.g. '1d', '0x1p3') becomes NULL",
        };
      if (e.type === "date" || e.type === "timestamp")
        return {
          level: "partial",
          condition:
            "Spark also reads partial dates such as '2024', '2024-03' or '+002024-01-01' that DuckDB turns into NULL, and DuckDB reads 'infinity' where Spark gives NULL",
        };
      if (e.type === "decimal")
        return {
          level: "partial",
          condition: "Spark also reads non-ASCII digits ('１２') that DuckDB turns into NULL",
        };
      return undefined;
    case "format_date":
      // Spark 4.0.1: date_format of year 999 with 'y' or 'yyy' is '999'; strftime's %Y pads to 0999.
      return patternRuns(literalArg(e, 1)).some((r) => r === "y" || r === "yyy")
        ? { level: "partial", condition: "years below 1000 with y or yyy: Spark prints 999, DuckDB 0999" }
        : undefined;
    case "parse_date": {
      const differs = parseDifference(literalArg(e, 1));
      return differs ? { level: "partial", condition: differs } : undefined;
    }
    default:
      return undefined;
  }
}
