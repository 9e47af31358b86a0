import type { ColumnType } from "@sous/contracts";
import type { CallExpr } from "../ir/expr.ts";
import { type FormulaScalarFn, literalArg } from "./ir.ts";

/** Spark renderings of the formula functions: Spark is the reference, so these are plain calls. */
const TYPES: Record<ColumnType, string> = {
  string: "STRING",
  integer: "INT",
  bigint: "BIGINT",
  double: "DOUBLE",
  decimal: "DECIMAL(38, 18)",
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

export const FORMULA_SPARK_SCALARS: Partial<
  Record<FormulaScalarFn, (args: readonly string[], e: CallExpr) => string>
> = {
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
  round: ([x, d]) => `round(${x}, ${d})`,
  floor: ([x]) => `floor(${x})`,
  ceil: ([x]) => `ceil(${x})`,
  sqrt: ([x]) => `sqrt(${x})`,
  ln: ([x]) => `ln(${x})`,
  log10: ([x]) => `log10(${x})`,
  sign: ([x]) => `signum(${x})`,
  current_timestamp: () => "current_timestamp()",
  current_date: () => "current_date()",
  date_part: ([, d], e) => `${PART[literalArg(e, 0)]}(${d})`,
  date_diff_days: ([end, start]) => `datediff(${end}, ${start})`,
  date_add: dateAdd,
  parse_date: ([s, f]) => `to_date(${s}, ${f})`,
  format_date: ([d, f]) => `date_format(${d}, ${f})`,
  date_trunc: ([u, d], e) => (e.type === "date" ? `trunc(${d}, ${u})` : `date_trunc(${u}, ${d})`),
  // ANSI mode off: an invalid text casts to NULL.
  from_string: ([s], e) => `CAST(${s} AS ${TYPES[e.type]})`,
  to_string: ([x]) => `CAST(${x} AS STRING)`,
  to_integral: ([x], e) => `CAST(${x} AS ${TYPES[e.type]})`,
};
