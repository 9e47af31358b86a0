import { duckdbParseLikeSpark, strictParseRegex } from "../../dates/spark-patterns.ts";
import { UnsupportedError } from "../../errors.ts";
import type { Expr, ExtExpr } from "../../ir/expr.ts";
import type { SqlDialect } from "../../render/dialect.ts";
import type { Dialect } from "../../types.ts";
import { ACCENTED, UNACCENTED } from "./accents.ts";
import { translateDatePattern } from "./date-patterns.ts";
import { re2Replacement } from "./regex.ts";

/**
 * Extension functions (`ext` IR nodes): the string, date, math and JSON functions of the
 * prepare steps, rendered per dialect with Spark's semantics. A `null` rendering means the
 * dialect has no form (the step declares `none` for it, so the recipe is blocked before this is
 * ever rendered). Literal arguments that need a per-engine form (regex replacements, date
 * patterns) are read from the IR and re-quoted with the dialect's own `stringLiteral`.
 */
type Render = (args: readonly string[], e: ExtExpr, d: SqlDialect) => string;

export interface ExtFunction {
  readonly render: Record<Dialect, Render | null>;
}

const same = (render: Render): Record<Dialect, Render> => ({ spark: render, duckdb: render });

/** The string value of a literal argument; the lowering guarantees it. */
function literalText(e: ExtExpr, i: number): string {
  const arg: Expr | undefined = e.args[i];
  if (arg?.kind !== "lit" || typeof arg.value !== "string") {
    throw new Error(`compiler bug: argument ${i} of ${e.fn} must be a string literal`);
  }
  return arg.value;
}

function literalInt(e: ExtExpr, i: number): number {
  const arg: Expr | undefined = e.args[i];
  if (arg?.kind !== "lit" || typeof arg.value !== "number" || !Number.isSafeInteger(arg.value)) {
    throw new Error(`compiler bug: argument ${i} of ${e.fn} must be an integer literal`);
  }
  return arg.value;
}

const SPARK_PART: Record<string, string> = {
  year: "year",
  quarter: "quarter",
  month: "month",
  day: "dayofmonth",
  dayOfWeek: "dayofweek",
  dayOfYear: "dayofyear",
  weekOfYear: "weekofyear",
  hour: "hour",
  minute: "minute",
  second: "second",
};

const SPARK_TRUNC: Record<string, string> = {
  year: "YEAR",
  quarter: "QUARTER",
  month: "MONTH",
  week: "WEEK",
  day: "DAY",
  hour: "HOUR",
  minute: "MINUTE",
};

const UNITS: Record<string, { spark: string; duckdb: string }> = {
  seconds: { spark: "SECOND", duckdb: "SECOND" },
  minutes: { spark: "MINUTE", duckdb: "MINUTE" },
  hours: { spark: "HOUR", duckdb: "HOUR" },
  days: { spark: "DAY", duckdb: "DAY" },
  weeks: { spark: "WEEK", duckdb: "WEEK" },
  months: { spark: "MONTH", duckdb: "MONTH" },
  years: { spark: "YEAR", duckdb: "YEAR" },
};

const unit = (e: ExtExpr, i: number, d: Dialect): string => {
  const u = UNITS[literalText(e, i)];
  if (!u) throw new Error(`compiler bug: unit ${literalText(e, i)}`);
  return u[d];
};

function integralPart(fn: "floor" | "ceil", a: string, n: number): string {
  const v = n === 0 ? a : `(${a} * 1e${n})`;
  const whole = `(CASE WHEN abs(${v}) < 4503599627370496 THEN CAST(${fn}(${v}) AS DOUBLE) ELSE ${v} END)`;
  return n === 0 ? whole : `(${whole} / 1e${n})`;
}

const defineFunctions = <K extends string>(m: Record<K, ExtFunction>): Record<K, ExtFunction> => m;

const FUNCTIONS = defineFunctions({
  // --- arithmetic (Spark's `/` is a double division; NULL on a zero divisor, never an error) ---
  add: { render: same(([a, b]) => `(${a} + ${b})`) },
  sub: { render: same(([a, b]) => `(${a} - ${b})`) },
  mul: { render: same(([a, b]) => `(${a} * ${b})`) },
  div: { render: same(([a, b]) => `(${a} / NULLIF(${b}, 0))`) },
  sqrt: { render: same(([a]) => `sqrt(${a})`) },
  ln: { render: same(([a]) => `ln(${a})`) },
  log10: { render: same(([a]) => `log10(${a})`) },
  log2: { render: same(([a]) => `log2(${a})`) },
  exp: {
    render: {
      spark: ([a]) => `exp(${a})`,
      // DuckDB raises an out-of-range error where Spark returns Infinity.
      duckdb: ([a]) => `CASE WHEN ${a} > 709.782712893384 THEN CAST('Infinity' AS DOUBLE) ELSE exp(${a}) END`,
    },
  },
  /** round(x, n) half away from zero (Spark's HALF_UP); the result stays a double. */
  round: { render: same(([a], e) => `round(${a}, ${literalInt(e, 1)})`) },
  /**
   * floor/ceil to n decimals as a double. Spark's floor(double) is a BIGINT that saturates and
   * maps NaN to 0 (Spark 4.0.1: floor(1e20) = 9223372036854775807, floor(NaN) = 0), so beyond
   * 2^52, where every double is already an integer, and for NaN/Infinity the value is kept as is,
   * which is what DuckDB's floor(double) returns.
   */
  floor: { render: same(([a], e) => integralPart("floor", a!, literalInt(e, 1))) },
  ceil: { render: same(([a], e) => integralPart("ceil", a!, literalInt(e, 1))) },

  // --- strings ---
  /** NULL-propagating concatenation (Spark's concat; DuckDB's concat would skip NULLs). */
  concat: { render: same((args) => `(${args.join(" || ")})`) },
  /** First argument is the separator; NULLs are skipped on both engines. */
  concat_ws: { render: same((args) => `concat_ws(${args.join(", ")})`) },
  replace: { render: same(([s, f, r]) => `replace(${s}, ${f}, ${r})`) },
  /** Replaces every match; the replacement (arg 2) is in Java's syntax and translated for RE2. */
  regexp_replace: {
    render: {
      spark: ([s, p, r]) => `regexp_replace(${s}, ${p}, ${r})`,
      duckdb: ([s, p], e, d) =>
        `regexp_replace(${s}, ${p}, ${d.stringLiteral(re2Replacement(literalText(e, 2), 9, []))}, 'g')`,
    },
  },
  /** Group n of the first match, '' when there is none (the group index is always explicit). */
  regexp_extract: { render: same(([s, p, i]) => `regexp_extract(${s}, ${p}, ${i})`) },
  /** Spaces only (Spark's trim); DuckDB's trim(s) would also remove NBSP. */
  trim: { render: { spark: ([s]) => `trim(${s})`, duckdb: ([s]) => `trim(${s}, ' ')` } },
  nullif: { render: same(([a, b]) => `NULLIF(${a}, ${b})`) },
  initcap: {
    render: {
      spark: ([s]) => `initcap(${s})`,
      // Spark: lower-case everything, upper-case the first letter after each space.
      duckdb: ([s]) =>
        `array_to_string(list_transform(string_split(${s}, ' '), x -> upper(x[1]) || lower(x[2:])), ' ')`,
    },
  },
  strip_accents: {
    render: {
      spark: ([s], _e, d) => `translate(${s}, ${d.stringLiteral(ACCENTED)}, ${d.stringLiteral(UNACCENTED)})`,
      duckdb: ([s]) => `strip_accents(${s})`,
    },
  },
  /** The first n characters (position 1: both engines agree only for positions >= 1). */
  left: { render: same(([s, n]) => `substring(${s}, 1, ${n})`) },
  lpad: { render: same(([s, n, p]) => `lpad(${s}, ${n}, ${p})`) },
  rpad: { render: same(([s, n, p]) => `rpad(${s}, ${n}, ${p})`) },
  /** Field n (1-based) of a split on a literal delimiter; '' past the end. */
  split_part: { render: same(([s, sep, n]) => `split_part(${s}, ${sep}, ${n})`) },
  sha256: { render: { spark: ([s]) => `sha2(${s}, 256)`, duckdb: ([s]) => `sha256(${s})` } },
  md5: { render: same(([s]) => `md5(${s})`) },
  /** Non-overlapping occurrences of a literal, as an INT. */
  count_matches: {
    render: {
      spark: ([s, sub]) =>
        `CAST((length(${s}) - length(replace(${s}, ${sub}, ''))) DIV length(${sub}) AS INT)`,
      duckdb: ([s, sub]) =>
        `CAST((length(${s}) - length(replace(${s}, ${sub}, ''))) // length(${sub}) AS INTEGER)`,
    },
  },
  /** try_cast with Spark's truncation of fractions to integers. */
  try_cast: {
    render: {
      spark: ([a], e, d) => `try_cast(${a} AS ${d.typeName(e.type)})`,
      duckdb: ([a], e, d) => {
        const from = e.args[0]?.type;
        const fractional = from === "double" || from === "decimal";
        const integral = e.type === "integer" || e.type === "bigint";
        return `TRY_CAST(${fractional && integral ? `trunc(${a})` : a} AS ${d.typeName(e.type)})`;
      },
    },
  },

  // --- dates ---
  /** Spark date_format with a Spark pattern (arg 1), strftime with the translated one on DuckDB. */
  date_format: {
    render: {
      spark: ([x, f]) => `date_format(${x}, ${f})`,
      duckdb: ([x], e, d) =>
        `strftime(${x}, ${d.stringLiteral(translateDatePattern(literalText(e, 1), []).strftime)})`,
    },
  },
  /** Parses text with a Spark pattern; NULL when it does not parse. */
  parse_timestamp: {
    render: {
      spark: ([s, f]) => `try_to_timestamp(${s}, ${f})`,
      duckdb: ([s], e, d) => {
        const pattern = literalText(e, 1);
        const strptime = d.stringLiteral(translateDatePattern(pattern, [], "parse").strftime);
        const strict = strictParseRegex(pattern);
        return duckdbParseLikeSpark(s!, pattern, strptime, strict === null ? null : d.stringLiteral(strict));
      },
    },
  },
  /** An INT field of a date/timestamp; day of week is 1 = Sunday .. 7 = Saturday (Spark's). */
  date_part: {
    render: {
      spark: ([x], e) => `${SPARK_PART[literalText(e, 1)]}(${x})`,
      duckdb: ([x], e) => {
        const part = literalText(e, 1);
        if (part === "dayOfWeek") return `CAST(dayofweek(${x}) + 1 AS INTEGER)`;
        return `CAST(${SPARK_PART[part]}(${x}) AS INTEGER)`;
      },
    },
  },
  /** Calendar days from start (arg 1) to end (arg 0), an INT. */
  datediff: {
    render: {
      spark: ([end, start]) => `datediff(${end}, ${start})`,
      duckdb: ([end, start]) =>
        `CAST(date_diff('day', CAST(${start} AS DATE), CAST(${end} AS DATE)) AS INTEGER)`,
    },
  },
  /** Microseconds since the epoch of a timestamp, a BIGINT. */
  epoch_micros: { render: { spark: ([x]) => `unix_micros(${x})`, duckdb: ([x]) => `epoch_us(${x})` } },
  /** Adds an integer literal amount (arg 1) of a unit (arg 2) to a date or timestamp. */
  date_add: {
    render: {
      spark: ([x, n], e) => {
        const u = literalText(e, 2);
        if (e.type === "date") {
          if (u === "days") return `date_add(${x}, ${n})`;
          if (u === "weeks") return `date_add(${x}, ${literalInt(e, 1) * 7})`;
          if (u === "months") return `add_months(${x}, ${n})`;
          if (u === "years") return `add_months(${x}, ${literalInt(e, 1) * 12})`;
        }
        return `timestampadd(${unit(e, 2, "spark")}, ${n}, ${x})`;
      },
      duckdb: ([x, n], e) => {
        const u = literalText(e, 2);
        if (e.type === "date") {
          if (u === "days") return `date_add(${x}, ${n})`;
          return `CAST((${x} + INTERVAL (${n}) ${unit(e, 2, "duckdb")}) AS DATE)`;
        }
        const ts = e.args[0]?.type === "date" ? `CAST(${x} AS TIMESTAMP)` : x;
        return `(${ts} + INTERVAL (${n}) ${unit(e, 2, "duckdb")})`;
      },
    },
  },
  /** Truncates to a unit; the result keeps the argument's type. */
  date_trunc: {
    render: same(([x], e, d) => {
      const sql = `date_trunc(${d.stringLiteral(SPARK_TRUNC[literalText(e, 1)] ?? "")}, ${x})`;
      return `CAST(${sql} AS ${d.typeName(e.type)})`;
    }),
  },
  /** Wall-clock time in zone `to` (arg 2) of a wall-clock time in zone `from` (arg 1). */
  convert_timezone: {
    render: {
      spark: ([x, from, to]) => `from_utc_timestamp(to_utc_timestamp(${x}, ${from}), ${to})`,
      duckdb: ([x, from, to]) => `timezone(${to}, timezone(${from}, ${x}))`,
    },
  },
  /**
   * A timestamp from seconds (or milliseconds when arg 1 is 'milliseconds') since the epoch, UTC.
   * Spark 4.0.1 (ANSI on and off): timestamp_seconds(double) truncates x * 1e6 toward zero and
   * gives NULL for NaN/Infinity; on a decimal with more than 6 decimals it raises "Rounding
   * necessary", so decimals go through timestamp_micros; milliseconds truncate to whole ms.
   * DuckDB: integer seconds are multiplied as BIGINT (INTEGER * 1000000 overflows).
   */
  timestamp_from_epoch: {
    render: {
      spark: ([x], e) => {
        const from = e.args[0]?.type;
        const integral = from === "integer" || from === "bigint";
        if (literalText(e, 1) === "milliseconds")
          return integral ? `timestamp_millis(${x})` : `timestamp_millis(try_cast(${x} AS BIGINT))`;
        return from === "decimal"
          ? `timestamp_micros(try_cast(${x} * 1000000 AS BIGINT))`
          : `timestamp_seconds(${x})`;
      },
      duckdb: ([x], e) => {
        const from = e.args[0]?.type;
        const integral = from === "integer" || from === "bigint";
        const factor = literalText(e, 1) === "milliseconds" ? 1000 : 1000000;
        if (integral) return `make_timestamp(CAST(${x} AS BIGINT) * ${factor})`;
        return factor === 1000
          ? `make_timestamp(TRY_CAST(trunc(${x}) AS BIGINT) * 1000)`
          : `make_timestamp(TRY_CAST(trunc(${x} * 1000000) AS BIGINT))`;
      },
    },
  },
  /** To a timestamp (dates at midnight). */
  to_timestamp: {
    render: same(([x], e, d) =>
      e.args[0]?.type === "date" ? `CAST(${x} AS ${d.typeName("timestamp")})` : `${x}`,
    ),
  },

  // --- JSON ---
  /** The value at a JSON path as text (objects and arrays as JSON); NULL when absent or invalid. */
  json_get: {
    render: {
      spark: ([s, p]) => `get_json_object(${s}, ${p})`,
      duckdb: ([s, p]) => `CASE WHEN json_valid(${s}) THEN json_extract_string(${s}, ${p}) END`,
    },
  },

  // --- JavaScript functions of the local engine (no SparkSQL form) ---
  /** A field of a parsed user-agent string: see `src/prepare/udfs/user-agent.ts`. */
  sous_parse_ua: { render: { spark: null, duckdb: ([s, f]) => `sous_parse_ua(${s}, ${f})` } },
  /** Whether a date is a public holiday in a country: see `src/prepare/udfs/holidays.ts`. */
  sous_is_holiday: {
    render: { spark: null, duckdb: ([x, c]) => `sous_is_holiday(CAST(${x} AS DATE), ${c})` },
  },
});

/** Names of every extension function (the prepare lowering only builds these). */
export type ExtFunctionName = keyof typeof FUNCTIONS;

export function hasExtFunction(name: string): boolean {
  return Object.hasOwn(FUNCTIONS, name);
}

/** Renders an `ext` node; its arguments are already rendered. */
export function renderExt(e: ExtExpr, args: readonly string[], d: SqlDialect): string {
  const def: ExtFunction | undefined = Object.hasOwn(FUNCTIONS, e.fn)
    ? (FUNCTIONS as Record<string, ExtFunction>)[e.fn]
    : undefined;
  if (!def) throw new Error(`compiler bug: unknown extension function ${e.fn}`);
  const render = def.render[d.name];
  if (!render) throw new UnsupportedError(d.name, `function ${e.fn}`, "it only runs on the local engine");
  return render(args, e, d);
}
