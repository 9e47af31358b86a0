import {
  duckdbParseLikeSpark,
  parseDifference,
  shortYearDifference,
  strictParseRegex,
} from "../dates/spark-patterns.ts";
import type { ExtExpr } from "../ir/expr.ts";
import { ACCENTED, UNACCENTED } from "../prepare/sql/accents.ts";
import { translateDatePattern } from "../prepare/sql/date-patterns.ts";
import { re2Replacement } from "../prepare/sql/regex.ts";
import type { Dialect } from "../types.ts";
import {
  always,
  type CatalogFunction,
  literalInt,
  literalArg as literalText,
  partial,
  same,
} from "./function.ts";
import { regexOnDuckdb } from "./scalars.ts";

/**
 * The catalog of extension functions (`ext` IR nodes): the string, date, math and JSON functions
 * of the prepare steps, with Spark's semantics. Like the scalar catalog, one entry per function
 * with its renderings per dialect; a `null` rendering means the dialect has no form, so every
 * step calling the function is `none` there (the verdict is derived from the entry, see
 * `prepare/lower.ts`), and `differs` names where a rendering can give other rows than Spark.
 * Literal arguments that need a per-engine form (regex replacements, date patterns) are read
 * from the IR and re-quoted with the dialect's own `stringLiteral`.
 */
export type ExtFunction = CatalogFunction<ExtExpr>;

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

/** Whether a zone's UTC offset changes over the year (its clocks go back once: an hour repeats). */
function hasDaylightSaving(zone: string): boolean {
  const offset = (month: number): string =>
    new Intl.DateTimeFormat("en", { timeZone: zone, timeZoneName: "longOffset" })
      .formatToParts(Date.UTC(2024, month, 1))
      .find((x) => x.type === "timeZoneName")?.value ?? "";
  try {
    return offset(0) !== offset(6);
  } catch {
    return false;
  }
}

/**
 * Measured on Spark 4.0.1: to_utc_timestamp(TIMESTAMP '2024-10-27 02:30:00', 'Europe/Paris') is
 * 00:30 UTC (the earlier, summer offset, java.time's rule); DuckDB's ICU gives 01:30 UTC.
 * Times in the skipped hour in spring agree (both move forward).
 */
const overlapCondition = (zone: string): string =>
  `wall-clock times in the hour that repeats when ${zone} turns its clocks back (e.g. 02:30 on the last Sunday of October in Europe/Paris): Spark reads them with the summer offset, DuckDB with the winter one, an hour apart`;

const defineFunctions = <K extends string>(m: Record<K, ExtFunction>): Record<K, ExtFunction> => m;

export const PREPARE_FUNCTIONS = defineFunctions({
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
  round: {
    render: same(([a], e) => `round(${a}, ${literalInt(e, 1)})`),
    differs: {
      duckdb: (e) =>
        literalInt(e, 1) > 0
          ? partial(
              "a double exactly halfway in decimal text (2.675) can round the other way: DuckDB rounds the binary value",
            )
          : undefined,
    },
  },
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
    differs: { duckdb: regexOnDuckdb },
  },
  /** Group n of the first match, '' when there is none (the group index is always explicit). */
  regexp_extract: {
    render: same(([s, p, i]) => `regexp_extract(${s}, ${p}, ${i})`),
    differs: { duckdb: regexOnDuckdb },
  },
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
    differs: {
      spark: always(
        "Spark has no accent stripping: precomposed Latin letters lose their accents (translate table); other scripts, and accents typed as separate combining marks (e + U+0301), keep them",
      ),
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
    differs: {
      duckdb: (e) => {
        const differs = shortYearDifference(literalText(e, 1));
        return differs === undefined ? undefined : partial(differs);
      },
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
    // Texts Spark does not parse are filtered by a strict regex on DuckDB (dates/spark-patterns.ts).
    differs: {
      duckdb: (e) => {
        const differs = parseDifference(literalText(e, 1));
        return differs === undefined ? undefined : partial(differs);
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
    differs: {
      duckdb: (e) => {
        const from = literalText(e, 1);
        return from !== "UTC" && hasDaylightSaving(from) ? partial(overlapCondition(from)) : undefined;
      },
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
    differs: {
      duckdb: always("nested objects, arrays and numbers may be written differently (spacing, 1.0 vs 1)"),
    },
  },

  // --- JavaScript functions of the local engine (no SparkSQL form) ---
  /** A field of a parsed user-agent string: see `src/prepare/udfs/user-agent.ts`. */
  sous_parse_ua: {
    render: { spark: null, duckdb: ([s, f]) => `sous_parse_ua(${s}, ${f})` },
    unavailable: "user-agent parsing is a JavaScript function (sous_parse_ua) of the local engine",
  },
  /** Whether a date is a public holiday in a country: see `src/prepare/udfs/holidays.ts`. */
  sous_is_holiday: {
    render: { spark: null, duckdb: ([x, c]) => `sous_is_holiday(CAST(${x} AS DATE), ${c})` },
    unavailable: "holiday calendars are a JavaScript function (sous_is_holiday) of the local engine",
  },
});

/** Names of every extension function (the prepare lowering only builds these). */
export type ExtFunctionName = keyof typeof PREPARE_FUNCTIONS;
