import { DECIMAL_TEXT, DOUBLE_TEXT } from "../conditions.ts";
import { duckdbParseLikeSpark, parseDifference, shortYearDifference } from "../dates/spark-patterns.ts";
import { DECIMAL_SQL } from "../decimal.ts";
import { type CallExpr, type Expr, exprChildren, type ScalarFn } from "../ir/expr.ts";
import { COMPUTED_REGEX_CONDITION, javaRegexOnDuckdb } from "../regex/java-regex.ts";
import {
  asDecimal,
  DUCKDB_PART,
  duckdbChecked,
  duckdbGuardedLog,
  duckdbLowerLikeJava,
  duckdbPad,
  duckdbSaturatingCast,
  duckdbSide,
  duckdbSubstring,
  duckdbUpperLikeJava,
  emptyOf,
  INTEGRAL,
  isLitArg,
  nonEmptyText,
  SPARK_PART,
  sparkChecked,
  sparkDateAdd,
  TO_INTERVAL,
  WIDER,
} from "./forms.ts";
import {
  always,
  type CatalogFunction,
  type FnExpr,
  literalArg,
  type NotFull,
  partial,
  same,
} from "./function.ts";

/**
 * The catalog of the IR's scalar functions (`call` nodes: the core ones and the formula
 * language's, see `ir/scalar-fns.ts` for what each computes). One entry per function, each with
 * its Spark and its DuckDB SQL side by side; a rendering the two share is written once (`same`).
 */
type Entry = CatalogFunction<CallExpr>;

const plain = (name: string): Entry => ({ render: same((args) => `${name}(${args.join(", ")})`) });

/** Measured on Spark 4.0.1: 99999999999999.99 * 12345678.91 is 1234567890999999876543.2109 there. */
const DECIMAL_PRODUCT =
  "decimal products of 10^20 or more are NULL locally: DuckDB keeps the exact product's 18 decimals in a DECIMAL(38), Spark rounds it to 6 and reaches 10^29";
const CASE_EXPANSIONS =
  "Java upper-cases Greek letters with a iota subscript (ᾳ), ΐ, ΰ and Armenian ligatures (և, ﬓ) into several letters, and title-cases a word-initial ß as Ss; DuckDB keeps one letter";
/** Spark's trim/ltrim/rtrim remove spaces only; DuckDB's also remove other white space (NBSP). */
const SPACE = "' '";

/** The one Java-regex predicate, for calls whose argument 1 is a Java regex (RE2 runs it locally). */
export function regexOnDuckdb(e: FnExpr): NotFull | undefined {
  const pattern = e.args[1];
  if (pattern?.kind !== "lit") return partial(COMPUTED_REGEX_CONDITION);
  return typeof pattern.value === "string" ? javaRegexOnDuckdb(pattern.value) : undefined;
}

const readsDouble = (e: Expr): boolean => e.type === "double" || exprChildren(e).some(readsDouble);

const trim = (name: "trim" | "ltrim" | "rtrim"): Entry => ({
  render: { spark: ([s]) => `${name}(${s})`, duckdb: ([s]) => `${name}(${s}, ${SPACE})` },
});

const floorOrCeil = (name: "floor" | "ceil"): Entry => ({
  render: {
    spark: ([x], e) => (e.type === "decimal" ? asDecimal(`${name}(${x})`) : `${name}(${x})`),
    duckdb: ([x], e, d) =>
      e.args[0]?.type === "double"
        ? duckdbSaturatingCast(`${name}(${x})`, "bigint", d)
        : e.type === "bigint"
          ? `CAST(${name}(${x}) AS BIGINT)`
          : `CAST(${name}(${x}) AS ${DECIMAL_SQL})`,
  },
});

export const SCALAR_FUNCTIONS: Record<ScalarFn, Entry> = {
  // ---- core ----
  lower: { render: { spark: ([x]) => `lower(${x})`, duckdb: ([x]) => duckdbLowerLikeJava(x!) } },
  upper: {
    render: { spark: ([x]) => `upper(${x})`, duckdb: ([x], _e, d) => duckdbUpperLikeJava(x!, d) },
    differs: { duckdb: always(CASE_EXPANSIONS) },
  },
  length: plain("length"),
  coalesce: plain("coalesce"),
  contains: plain("contains"),
  starts_with: {
    render: { spark: ([s, p]) => `startswith(${s}, ${p})`, duckdb: ([s, p]) => `starts_with(${s}, ${p})` },
  },
  ends_with: {
    render: { spark: ([s, p]) => `endswith(${s}, ${p})`, duckdb: ([s, p]) => `ends_with(${s}, ${p})` },
  },
  regexp_like: {
    // regexp_matches is a partial match like Spark's RLIKE (`~` would be a full match).
    render: { spark: ([s, p]) => `(${s} RLIKE ${p})`, duckdb: ([s, p]) => `regexp_matches(${s}, ${p})` },
    differs: { duckdb: regexOnDuckdb },
  },
  sample_hash: {
    render: {
      spark: (args) => `CAST(conv(substr(md5(concat_ws('|', ${args.join(", ")})), 1, 8), 16, 10) AS BIGINT)`,
      duckdb: (args) => `CAST(('0x' || substr(md5(concat_ws('|', ${args.join(", ")})), 1, 8)) AS BIGINT)`,
    },
    differs: {
      duckdb: (e) =>
        e.args.some(readsDouble)
          ? partial(`the sample can differ on rows with doubles: ${DOUBLE_TEXT}`)
          : undefined,
    },
  },

  // ---- arithmetic: NULL on integer or decimal overflow, under both ANSI settings ----
  add: { render: { spark: sparkChecked("try_add", "+"), duckdb: duckdbChecked("+") } },
  subtract: {
    render: {
      // `(x - (f(y)))`: dt-sql-parser's Spark grammar (our syntax gate) rejects `(x - f(y))`.
      spark: ([a, b], e) =>
        e.type !== "double"
          ? sparkChecked("try_subtract", "-")([a!, b!], e)
          : /^[A-Za-z_]\w*\(/.test(b!)
            ? `(${a} - (${b}))`
            : `(${a} - ${b})`,
      duckdb: duckdbChecked("-"),
    },
  },
  multiply: {
    render: { spark: sparkChecked("try_multiply", "*"), duckdb: duckdbChecked("*") },
    differs: { duckdb: (e) => (e.type === "decimal" ? partial(DECIMAL_PRODUCT) : undefined) },
  },
  divide: { render: same(([a, b]) => `(${a} / NULLIF(${b}, 0))`) },
  remainder: {
    render: {
      spark: ([a, b], e) =>
        e.type === "decimal"
          ? `(${asDecimal(a!)} % NULLIF(${asDecimal(b!)}, 0))`
          : `(${a} % NULLIF(${b}, 0))`,
      // MIN_INT % -1 is 0 on Spark; DuckDB raises an overflow unless computed in the wider type.
      duckdb: ([a, b], e, d) => {
        if (e.type === "decimal") return `(${asDecimal(a!)} % NULLIF(${asDecimal(b!)}, 0))`;
        const w = WIDER[e.type];
        return w
          ? `CAST(CAST(${a} AS ${w}) % NULLIF(${b}, 0) AS ${d.typeName(e.type)})`
          : `(${a} % NULLIF(${b}, 0))`;
      },
    },
  },
  negate: {
    // The space keeps `- -1` from becoming a `--` comment.
    render: {
      spark: ([a], e) => (INTEGRAL.has(e.type) ? `try_subtract(0, ${a})` : `(- ${a})`),
      duckdb: ([a], e, d) => {
        const w = WIDER[e.type];
        return w ? `TRY_CAST(- CAST(${a} AS ${w}) AS ${d.typeName(e.type)})` : `(- ${a})`;
      },
    },
  },
  abs: {
    render: {
      // abs(MIN_INT) overflows: NULL like the other integer overflows.
      spark: ([a], e) =>
        INTEGRAL.has(e.type) ? `(CASE WHEN ${a} < 0 THEN try_subtract(0, ${a}) ELSE ${a} END)` : `abs(${a})`,
      duckdb: ([a], e, d) => {
        const w = WIDER[e.type];
        return w ? `TRY_CAST(abs(CAST(${a} AS ${w})) AS ${d.typeName(e.type)})` : `abs(${a})`;
      },
    },
  },

  // ---- strings ----
  concat: {
    render: {
      spark: (args) => `concat(${args.join(", ")})`,
      // || propagates NULL like Spark's concat; DuckDB's concat() skips NULLs. The cast keeps the
      // type VARCHAR when DuckDB folds NULL operands (it types NULL || NULL as INTEGER).
      duckdb: (args) => `CAST(${args.join(" || ")} AS VARCHAR)`,
    },
  },
  char_length: {
    render: { spark: ([s]) => `length(${s})`, duckdb: ([s]) => `CAST(length(${s}) AS INTEGER)` },
  },
  substring: { render: { spark: (args) => `substring(${args.join(", ")})`, duckdb: duckdbSubstring } },
  trim: trim("trim"),
  ltrim: trim("ltrim"),
  rtrim: trim("rtrim"),
  replace: plain("replace"),
  regexp_extract: {
    render: same(([s, p, g]) => `regexp_extract(${s}, ${p}, ${g})`),
    differs: { duckdb: regexOnDuckdb },
  },
  regexp_replace: {
    render: {
      spark: ([s, p, r]) => `regexp_replace(${s}, ${p}, ${r})`,
      // Every match (the 'g' option), with the replacement already translated to RE2's \1 syntax.
      duckdb: ([s, p, , r2]) => `regexp_replace(${s}, ${p}, ${r2}, 'g')`,
    },
    differs: { duckdb: regexOnDuckdb },
  },
  split_part: {
    render: {
      spark: ([s, d, n]) => `split_part(${s}, ${d}, ${n})`,
      // Spark does not split on an empty delimiter; DuckDB splits into characters.
      duckdb: ([s, d, n], e) =>
        isLitArg(e, 1, nonEmptyText)
          ? `split_part(${s}, ${d}, ${n})`
          : `(CASE WHEN ${d} = '' THEN (CASE WHEN ${n} IN (1, -1) THEN ${s} ELSE ${emptyOf(s!)} END) ELSE split_part(${s}, ${d}, ${n}) END)`,
    },
  },
  lpad: { render: { spark: ([s, n, p]) => `lpad(${s}, ${n}, ${p})`, duckdb: duckdbPad("lpad") } },
  rpad: { render: { spark: ([s, n, p]) => `rpad(${s}, ${n}, ${p})`, duckdb: duckdbPad("rpad") } },
  repeat: plain("repeat"),
  reverse: {
    render: {
      spark: ([s]) => `reverse(${s})`,
      // Spark reverses code points (a combining accent moves before its letter); DuckDB's reverse
      // keeps grapheme clusters together.
      duckdb: ([s]) => `array_to_string(list_reverse(string_split(${s}, '')), '')`,
    },
  },
  instr: {
    render: {
      spark: ([s, sub]) => `instr(${s}, ${sub})`,
      duckdb: ([s, sub]) => `CAST(instr(${s}, ${sub}) AS INTEGER)`,
    },
  },
  left: { render: { spark: ([s, n]) => `left(${s}, ${n})`, duckdb: duckdbSide("left") } },
  right: { render: { spark: ([s, n]) => `right(${s}, ${n})`, duckdb: duckdbSide("right") } },
  initcap: {
    render: {
      spark: ([s]) => `initcap(${s})`,
      // DuckDB has no initcap; Spark capitalises the first letter after each space.
      duckdb: ([s]) =>
        `array_to_string(list_transform(string_split(lower(${s}), ' '), _w -> upper(_w[1]) || _w[2:]), ' ')`,
    },
    differs: { duckdb: always(CASE_EXPANSIONS) },
  },
  md5: plain("md5"),
  nullif: plain("nullif"),

  // ---- math ----
  round: {
    render: {
      // On decimals Spark narrows the type (round(DECIMAL(38,9), 2) is DECIMAL(32,2)), DuckDB does
      // not: both give Sous' DECIMAL(38, 9).
      spark: ([x, d], e, dialect) =>
        e.type === "decimal"
          ? asDecimal(`round(${x}, ${d})`)
          : INTEGRAL.has(e.type)
            ? // round(2147483647, -1) leaves INT (ARITHMETIC_OVERFLOW with ANSI on, wrapped with it
              // off): computed wider, NULL when it does not fit.
              `try_cast(round(CAST(${x} AS ${e.type === "integer" ? "BIGINT" : "DECIMAL(20, 0)"}), ${d}) AS ${dialect.typeName(e.type)})`
            : `round(${x}, ${d})`,
      // DuckDB rounds a double's binary value; Spark rounds its shortest decimal text HALF_UP
      // (BigDecimal(Double.toString(x))). Beyond 1e17 every double is an integer anyway.
      duckdb: ([x, d], e, dialect) =>
        e.type === "double"
          ? `(CASE WHEN abs(${x}) < 1e17 THEN CAST(round(CAST(CAST(${x} AS VARCHAR) AS DECIMAL(38, 20)), ${d}) AS DOUBLE) ELSE round(${x}, ${d}) END)`
          : e.type === "decimal"
            ? `CAST(round(${x}, ${d}) AS ${DECIMAL_SQL})`
            : // Integers rounded to tens or more can leave their type: NULL, like the Spark side.
              `TRY_CAST(round(CAST(${x} AS ${WIDER[e.type]}), ${d}) AS ${dialect.typeName(e.type)})`,
    },
  },
  floor: floorOrCeil("floor"),
  ceil: floorOrCeil("ceil"),
  pow: plain("pow"),
  sqrt: {
    // DuckDB raises an error where Spark returns NaN / NULL.
    render: {
      spark: ([x]) => `sqrt(${x})`,
      duckdb: ([x]) => `(CASE WHEN ${x} < 0 THEN CAST('NaN' AS DOUBLE) ELSE sqrt(${x}) END)`,
    },
  },
  ln: { render: { spark: ([x]) => `ln(${x})`, duckdb: duckdbGuardedLog("ln") } },
  log10: { render: { spark: ([x]) => `log10(${x})`, duckdb: duckdbGuardedLog("log10") } },
  exp: plain("exp"),
  least: plain("least"),
  greatest: plain("greatest"),
  sign: {
    // Spark's signum(NaN) is NaN; DuckDB's sign(NaN) is 0.
    render: {
      spark: ([x]) => `signum(${x})`,
      duckdb: ([x]) => `(CASE WHEN isnan(${x}) THEN ${x} ELSE CAST(sign(${x}) AS DOUBLE) END)`,
    },
  },

  // ---- dates ----
  // now() is a TIMESTAMPTZ in DuckDB, which CAST and current_date read in the connection's time
  // zone (the host's unless set); Sous' Spark sessions run in UTC, so the UTC wall clock, always.
  current_timestamp: {
    render: {
      spark: () => "current_timestamp()",
      duckdb: () => "CAST(timezone('UTC', current_timestamp) AS TIMESTAMP)",
    },
  },
  current_date: {
    render: {
      spark: () => "current_date()",
      duckdb: () => "CAST(timezone('UTC', current_timestamp) AS DATE)",
    },
  },
  date_part: {
    render: {
      spark: ([, d], e) => `${SPARK_PART[literalArg(e, 0)]}(${d})`,
      duckdb: ([, d], e) => {
        const unit = literalArg(e, 0);
        // Spark: 1 = Sunday ... 7 = Saturday; DuckDB: 0 = Sunday.
        const sql = unit === "dayofweek" ? `(dayofweek(${d}) + 1)` : `${DUCKDB_PART[unit]}(${d})`;
        return `CAST(${sql} AS INTEGER)`;
      },
    },
  },
  date_diff_days: {
    // Spark: datediff(end, start); DuckDB: date_diff('day', start, end) on the dates.
    render: {
      spark: ([end, start]) => `datediff(${end}, ${start})`,
      duckdb: ([end, start]) =>
        `CAST(date_diff('day', CAST(${start} AS DATE), CAST(${end} AS DATE)) AS INTEGER)`,
    },
  },
  date_add: {
    render: {
      spark: sparkDateAdd,
      duckdb: ([, d, n], e) => {
        const unit = literalArg(e, 0);
        if (unit === "day") return `date_add(${d}, ${n})`;
        // Adding months clamps to the month's last day on both engines (Jan 31 + 1 month = Feb 29).
        if (unit === "month") return `CAST(${d} + to_months(${n}) AS DATE)`;
        return `(${d} + ${TO_INTERVAL[unit]}(${n}))`;
      },
    },
  },
  parse_date: {
    render: {
      // to_date raises on unparsable text with ANSI on; try_to_timestamp is NULL under both.
      spark: ([s, f]) => `CAST(try_to_timestamp(${s}, ${f}) AS DATE)`,
      // Argument 3: the strict text regex ('' when the pattern has none), quoted by the dialect.
      duckdb: ([s, , f, strict], e) =>
        `CAST(${duckdbParseLikeSpark(s!, literalArg(e, 1), f!, literalArg(e, 3) === "" ? null : strict!)} AS DATE)`,
    },
    differs: {
      duckdb: (e) => {
        const differs = parseDifference(literalArg(e, 1));
        return differs ? partial(differs) : undefined;
      },
    },
  },
  format_date: {
    render: { spark: ([d, f]) => `date_format(${d}, ${f})`, duckdb: ([d, , f]) => `strftime(${d}, ${f})` },
    differs: {
      duckdb: (e) => {
        const differs = shortYearDifference(literalArg(e, 1));
        return differs === undefined ? undefined : partial(differs);
      },
    },
  },
  date_trunc: {
    render: {
      spark: ([u, d], e) => (e.type === "date" ? `trunc(${d}, ${u})` : `date_trunc(${u}, ${d})`),
      duckdb: ([u, d], e) =>
        e.type === "date" ? `CAST(date_trunc(${u}, ${d}) AS DATE)` : `date_trunc(${u}, ${d})`,
    },
  },

  // ---- conversions ----
  from_string: {
    render: {
      // try_cast: invalid text is NULL under both ANSI settings (CAST raises with ANSI on).
      spark: ([s], e, d) => `try_cast(${s} AS ${d.typeName(e.type)})`,
      duckdb: ([s], e, d) =>
        e.type === "integer" || e.type === "bigint"
          ? // Spark's try_cast takes digits only ('1.9', '1e3', '0x10', '1_000' are NULL); DuckDB's
            // would round or read them. Spark trims spaces and control characters around them.
            `TRY_CAST(regexp_extract(${s}, '^[\\x00-\\x20]*([+-]?[0-9]+)[\\x00-\\x20]*$', 1) AS ${d.typeName(e.type)})`
          : e.type === "double" || e.type === "decimal"
            ? // DuckDB reads '1_000' as 1000; Spark does not: an underscore makes the text invalid.
              `TRY_CAST(replace(${s}, '_', 'x') AS ${d.typeName(e.type)})`
            : `TRY_CAST(${s} AS ${d.typeName(e.type)})`,
    },
    differs: {
      duckdb: (e) =>
        e.type === "double"
          ? partial("text Java reads as a number but DuckDB does not (e.g. '1d', '0x1p3') becomes NULL")
          : e.type === "date" || e.type === "timestamp"
            ? partial(
                "Spark also reads partial dates such as '2024', '2024-03' or '+002024-01-01' that DuckDB turns into NULL, and DuckDB reads 'infinity' where Spark gives NULL",
              )
            : e.type === "decimal"
              ? partial("Spark also reads non-ASCII digits ('１２') that DuckDB turns into NULL")
              : undefined,
    },
  },
  to_string: {
    render: same(([x], _e, d) => `CAST(${x} AS ${d.typeName("string")})`),
    differs: {
      duckdb: (e) =>
        e.args[0]?.type === "double"
          ? partial(DOUBLE_TEXT)
          : e.args[0]?.type === "decimal"
            ? partial(DECIMAL_TEXT)
            : undefined,
    },
  },
  to_integral: {
    render: {
      spark: ([x], e, d) => `try_cast(${x} AS ${d.typeName(e.type)})`,
      // Spark's try_cast: fractions truncate, NaN and out-of-range values are NULL.
      duckdb: ([x], e, d) =>
        e.args[0]?.type === "double"
          ? `TRY_CAST(trunc(${x}) AS ${d.typeName(e.type)})`
          : `TRY_CAST(${x} AS ${d.typeName(e.type)})`,
    },
  },
};
