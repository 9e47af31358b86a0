import type { ColumnType } from "@sous/contracts";
import { DECIMAL_TEXT } from "../conditions.ts";
import { DECIMAL_SQL } from "../decimal.ts";
import { assessFormulaOnDuckdb, FORMULA_DUCKDB_SCALARS } from "../formula/duckdb.ts";
import { type Expr, exprChildren } from "../ir/expr.ts";
import { COMPUTED_REGEX_CONDITION, javaRegexOnDuckdb } from "../regex/java-regex.ts";
import { castCanFail } from "./casts.ts";
import type { SqlDialect } from "./dialect.ts";
import { JOIN_KEYWORDS } from "./join-keywords.ts";

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

const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;
// DuckDB treats backslashes literally in '...' strings; only the quote needs doubling.
const stringLiteral = (value: string): string => `'${value.replaceAll("'", "''")}'`;

const INTEGRAL: ReadonlySet<ColumnType> = new Set(["integer", "bigint"]);
const FRACTIONAL: ReadonlySet<ColumnType> = new Set(["double", "decimal"]);

const RANKING: ReadonlySet<string> = new Set(["row_number", "rank", "dense_rank"]);
const DOUBLE_TEXT = "doubles are printed differently from Spark (10000000000.0 instead of 1.0E10)";
/** Calls whose argument 1 is a Java regex (Spark's), run by RE2 on DuckDB. */
const REGEX_CALLS: ReadonlySet<string> = new Set(["regexp_like", "regexp_extract", "regexp_replace"]);
const readsDouble = (e: Expr): boolean => e.type === "double" || exprChildren(e).some(readsDouble);

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
const upperLikeJava = (x: string): string =>
  `upper(${UPPER_EXPANSIONS.reduce((acc, [from, to]) => `replace(${acc}, ${stringLiteral(from)}, ${stringLiteral(to)})`, x)})`;
/**
 * Java lower-cases İ into i + a combining dot and a word-final Σ into ς (Spark 4.0.1:
 * lower('İ ΟΔΟΣ') = 'i̇ οδος'); DuckDB gives 'i' and σ.
 */
const lowerLikeJava = (x: string): string =>
  `regexp_replace(lower(replace(${x}, 'İ', 'i̇')), '(\\pL)σ($|\\PL)', '\\1ς\\2', 'g')`;
/** Measured on Spark 4.0.1 (the edge corpus): try_sum checks every partial sum, DuckDB sums in HUGEINT. */
const BIGINT_SUM =
  "a BIGINT sum whose running total passes ±9.2e18 before coming back: Spark gives NULL (try_sum overflows on the way), DuckDB the exact total";
/** Measured on Spark 4.0.1 (the decimal corpus): sums near DECIMAL(38)'s limit. */
const DECIMAL_SUM =
  "decimal sums of 10^29 or more (10^20 for columns with 18 decimals): Spark gives NULL, DuckDB the total or an overflow error";
/** Measured on Spark 4.0.1 (the decimal corpus): a DECIMAL(38,9) value past 10^20 against a DECIMAL(38,18) one. */
const DECIMAL_COMPARE =
  "comparing two decimal columns stored with different scales (e.g. DECIMAL(38,9) and DECIMAL(38,18)) when a value reaches 10^20: DuckDB widens both to the larger scale and fails, Spark compares";
const CASE_EXPANSIONS =
  "Java upper-cases Greek letters with a iota subscript (ᾳ), ΐ, ΰ and Armenian ligatures (և, ﬓ) into several letters, and title-cases a word-initial ß as Ss; DuckDB keeps one letter";
/** Spark's trim/ltrim/rtrim remove spaces only; DuckDB's also remove other white space (NBSP). */
const SPACE = "' '";

/** DuckDB hooks: everything here exists to make DuckDB return what Spark would. */
export const duckdbDialect: SqlDialect = {
  name: "duckdb",
  quoteIdent,
  stringLiteral,
  typeName: (t) => TYPES[t],
  parquetSource: (dir) => `read_parquet(${stringLiteral(`${dir}/*.parquet`)})`,
  writeParquet: (select, dir) =>
    `COPY (\n${select}\n) TO ${stringLiteral(`${dir}/part-0.parquet`)} (FORMAT parquet)`,
  // Spark truncates toward zero when casting fractions to integers; DuckDB rounds half away.
  // Casts that can fail are Spark's try_cast: TRY_CAST (NULL, never an error).
  cast: (arg, from, to) => {
    const value = FRACTIONAL.has(from) && INTEGRAL.has(to) ? `trunc(${arg})` : arg;
    return `${castCanFail(from, to) ? "TRY_CAST" : "CAST"}(${value} AS ${TYPES[to]})`;
  },
  aggregates: {
    // DuckDB sums integers into HUGEINT; Spark's try_sum is a BIGINT, NULL when it overflows.
    sum: ([x], e) =>
      e.type === "bigint" || e.type === "decimal" ? `TRY_CAST(sum(${x}) AS ${TYPES[e.type]})` : `sum(${x})`,
    avg: ([x], e) => (e.args[0]?.type === "decimal" ? `avg(CAST(${x} AS DOUBLE))` : `avg(${x})`),
    // string_agg skips NULLs like collect_list, but yields NULL (not '') when nothing is left.
    concat_sorted: ([x]) => `coalesce(string_agg(CAST(${x} AS VARCHAR), ',' ORDER BY ${x}), '')`,
  },
  scalars: {
    upper: ([x]) => upperLikeJava(x!),
    lower: ([x]) => lowerLikeJava(x!),
    trim: ([s]) => `trim(${s}, ${SPACE})`,
    ltrim: ([s]) => `ltrim(${s}, ${SPACE})`,
    rtrim: ([s]) => `rtrim(${s}, ${SPACE})`,
    starts_with: ([s, p]) => `starts_with(${s}, ${p})`,
    ends_with: ([s, p]) => `ends_with(${s}, ${p})`,
    // regexp_matches is a partial match like Spark's RLIKE (`~` would be a full match).
    regexp_like: ([s, p]) => `regexp_matches(${s}, ${p})`,
    sample_hash: (args) => `CAST(('0x' || substr(md5(concat_ws('|', ${args.join(", ")})), 1, 8)) AS BIGINT)`,
    ...FORMULA_DUCKDB_SCALARS,
  },
  // Spark: row_number/rank/dense_rank are INT and sum of integers is BIGINT; DuckDB gives
  // BIGINT and HUGEINT.
  joinKeyword: (type) => (type === "left_anti" ? "ANTI JOIN" : JOIN_KEYWORDS[type]),
  windowResult: (sql, e) => {
    if (e.fn === "sum" && (e.type === "bigint" || e.type === "decimal"))
      return `TRY_CAST(${sql} AS ${TYPES[e.type]})`;
    return e.type === "integer" && RANKING.has(e.fn) ? `CAST(${sql} AS ${TYPES[e.type]})` : sql;
  },
  assess: (e) => {
    if (e.kind === "agg" && e.fn === "concat_sorted" && e.args[0]?.type === "double") {
      return { level: "partial", condition: DOUBLE_TEXT };
    }
    if ((e.kind === "agg" || e.kind === "window") && e.fn === "sum" && e.args[0]?.type === "bigint") {
      return { level: "partial", condition: BIGINT_SUM };
    }
    if ((e.kind === "agg" || e.kind === "window") && e.fn === "sum" && e.args[0]?.type === "decimal") {
      return { level: "partial", condition: DECIMAL_SUM };
    }
    if (e.kind === "agg" && e.fn === "concat_sorted" && e.args[0]?.type === "decimal") {
      return { level: "partial", condition: DECIMAL_TEXT };
    }
    // A decimal column's storage scale is not in Sous' types, so any column-to-column decimal
    // comparison may meet it; comparisons with a literal widen only to the literal's scale.
    if (
      e.kind === "compare" &&
      e.left.type === "decimal" &&
      e.right.type === "decimal" &&
      e.left.kind !== "lit" &&
      e.right.kind !== "lit"
    ) {
      return { level: "partial", condition: DECIMAL_COMPARE };
    }
    if (e.kind === "call" && e.fn === "sample_hash" && e.args.some(readsDouble)) {
      return { level: "partial", condition: `the sample can differ on rows with doubles: ${DOUBLE_TEXT}` };
    }
    if ((e.kind === "call" || e.kind === "ext") && REGEX_CALLS.has(e.fn)) {
      const pattern = e.args[1];
      if (pattern?.kind !== "lit") return { level: "partial", condition: COMPUTED_REGEX_CONDITION };
      if (typeof pattern.value === "string") return javaRegexOnDuckdb(pattern.value);
    }
    if (e.kind === "call" && (e.fn === "upper" || e.fn === "initcap")) {
      return { level: "partial", condition: CASE_EXPANSIONS };
    }
    return assessFormulaOnDuckdb(e);
  },
};
