import type { ColumnType } from "@sous/contracts";
import { DECIMAL_SQL } from "../decimal.ts";
import type { CallExpr } from "../ir/expr.ts";
import { FORMULA_STANDARD_SCALARS, type FormulaScalarFn, literalArg } from "./ir.ts";

/** Spark renderings of the formula functions: Spark is the reference, so these are plain calls. */
const TYPES: Record<ColumnType, string> = {
  string: "STRING",
  integer: "INT",
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
  day: "dayofmonth",
  dayofweek: "dayofweek",
  dayofyear: "dayofyear",
  hour: "hour",
  minute: "minute",
  second: "second",
};

const INTERVAL_SLOT: Record<string, number> = { hour: 4, minute: 5, second: 6 };

function dateAdd([, d, n]: readonly string[], e: CallExpr): string {
  const unit = literalArg(e, 0);
  if (unit === "day") return `date_add(${d}, ${n})`;
  if (unit === "month") return `add_months(${d}, ${n})`;
  const slot = INTERVAL_SLOT[unit];
  if (slot === undefined) throw new Error(`compiler bug: date_add unit ${unit}`);
  const parts = Array.from({ length: 7 }, (_, i) => (i === slot ? n : "0"));
  return `(${d} + make_interval(${parts.join(", ")}))`;
}

const INTEGRAL: ReadonlySet<ColumnType> = new Set(["integer", "bigint"]);

/**
 * Integer and decimal arithmetic as try_add/try_subtract/try_multiply: NULL on overflow under
 * both ANSI settings (with ANSI on `+` raises ARITHMETIC_OVERFLOW, with it off it wraps).
 * Doubles cannot overflow (they become Infinity) and keep the operator.
 */
const checked =
  (fn: string, op: string) =>
  ([a, b]: readonly string[], e: CallExpr): string => {
    if (e.type === "double") return `(${a} ${op} ${b})`;
    // Decimals: operands as Sous' DECIMAL(38, 9), the result back to it (Spark's own result
    // type would be (38, 8) for + -, (38, 6) for *: the value is rounded there, then widened).
    if (e.type === "decimal") return `try_cast(${fn}(${asDecimal(a!)}, ${asDecimal(b!)}) AS ${DECIMAL_SQL})`;
    return `${fn}(${a}, ${b})`;
  };
const asDecimal = (x: string): string => `CAST(${x} AS ${DECIMAL_SQL})`;

export const FORMULA_SPARK_SCALARS: Partial<
  Record<FormulaScalarFn, (args: readonly string[], e: CallExpr) => string>
> = {
  add: checked("try_add", "+"),
  subtract: (args, e) =>
    e.type === "double" ? FORMULA_STANDARD_SCALARS.subtract!(args, e) : checked("try_subtract", "-")(args, e),
  remainder: ([a, b], e) =>
    e.type === "decimal" ? `(${asDecimal(a!)} % NULLIF(${asDecimal(b!)}, 0))` : `(${a} % NULLIF(${b}, 0))`,
  multiply: checked("try_multiply", "*"),
  negate: ([a], e) => (INTEGRAL.has(e.type) ? `try_subtract(0, ${a})` : `(- ${a})`),
  // abs(MIN_INT) overflows: NULL like the other integer overflows.
  abs: ([a], e) =>
    INTEGRAL.has(e.type) ? `(CASE WHEN ${a} < 0 THEN try_subtract(0, ${a}) ELSE ${a} END)` : `abs(${a})`,
  concat: (args) => `concat(${args.join(", ")})`,
  char_length: ([s]) => `length(${s})`,
  substring: (args) => `substring(${args.join(", ")})`,
  regexp_replace: ([s, p, r]) => `regexp_replace(${s}, ${p}, ${r})`,
  split_part: ([s, d, n]) => `split_part(${s}, ${d}, ${n})`,
  lpad: ([s, n, p]) => `lpad(${s}, ${n}, ${p})`,
  rpad: ([s, n, p]) => `rpad(${s}, ${n}, ${p})`,
  instr: ([s, sub]) => `instr(${s}, ${sub})`,
  left: ([s, n]) => `left(${s}, ${n})`,
  right: ([s, n]) => `right(${s}, ${n})`,
  initcap: ([s]) => `initcap(${s})`,
  // On decimals Spark narrows the type (round(DECIMAL(38,9), 2) is DECIMAL(32,2)), DuckDB does
  // not: both give Sous' DECIMAL(38, 9).
  round: ([x, d], e) =>
    e.type === "decimal"
      ? asDecimal(`round(${x}, ${d})`)
      : INTEGRAL.has(e.type)
        ? // round(2147483647, -1) leaves INT (ARITHMETIC_OVERFLOW with ANSI on, wrapped with it
          // off): computed wider, NULL when it does not fit.
          `try_cast(round(CAST(${x} AS ${e.type === "integer" ? "BIGINT" : "DECIMAL(20, 0)"}), ${d}) AS ${TYPES[e.type]})`
        : `round(${x}, ${d})`,
  floor: ([x], e) => (e.type === "decimal" ? asDecimal(`floor(${x})`) : `floor(${x})`),
  ceil: ([x], e) => (e.type === "decimal" ? asDecimal(`ceil(${x})`) : `ceil(${x})`),
  sqrt: ([x]) => `sqrt(${x})`,
  ln: ([x]) => `ln(${x})`,
  log10: ([x]) => `log10(${x})`,
  sign: ([x]) => `signum(${x})`,
  current_timestamp: () => "current_timestamp()",
  current_date: () => "current_date()",
  date_part: ([, d], e) => `${PART[literalArg(e, 0)]}(${d})`,
  date_diff_days: ([end, start]) => `datediff(${end}, ${start})`,
  date_add: dateAdd,
  // to_date raises on unparsable text with ANSI on; try_to_timestamp is NULL under both.
  parse_date: ([s, f]) => `CAST(try_to_timestamp(${s}, ${f}) AS DATE)`,
  format_date: ([d, f]) => `date_format(${d}, ${f})`,
  date_trunc: ([u, d], e) => (e.type === "date" ? `trunc(${d}, ${u})` : `date_trunc(${u}, ${d})`),
  // try_cast: invalid text is NULL under both ANSI settings (CAST raises with ANSI on).
  from_string: ([s], e) => `try_cast(${s} AS ${TYPES[e.type]})`,
  to_string: ([x]) => `CAST(${x} AS STRING)`,
  to_integral: ([x], e) => `try_cast(${x} AS ${TYPES[e.type]})`,
};
