import type { ColumnType } from "@sous/contracts";
import { DECIMAL_TEXT, DOUBLE_TEXT } from "../conditions.ts";
import { DECIMAL_SQL } from "../decimal.ts";
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
/** Measured on Spark 4.0.1 (the edge corpus): try_sum checks every partial sum, DuckDB sums in HUGEINT. */
const BIGINT_SUM =
  "a BIGINT sum whose running total passes ±9.2e18 before coming back: Spark gives NULL (try_sum overflows on the way), DuckDB the exact total";
/** Measured on Spark 4.0.1 (the decimal corpus): sums near DECIMAL(38)'s limit. */
const DECIMAL_SUM =
  "decimal sums of 10^29 or more (10^20 for columns with 18 decimals): Spark gives NULL, DuckDB the total or an overflow error";
/** Measured on Spark 4.0.1 (the decimal corpus): a DECIMAL(38,9) value past 10^20 against a DECIMAL(38,18) one. */
const DECIMAL_COMPARE =
  "comparing two decimal columns stored with different scales (e.g. DECIMAL(38,9) and DECIMAL(38,18)) when a value reaches 10^20: DuckDB widens both to the larger scale and fails, Spark compares";

/** DuckDB hooks: everything here exists to make DuckDB return what Spark would. */
export const duckdbDialect: SqlDialect = {
  name: "duckdb",
  quoteIdent,
  stringLiteral,
  typeName: (t) => TYPES[t],
  parquetSource: (dir) => `read_parquet(${stringLiteral(`${dir}/*.parquet`)})`,
  // DuckDB runs the Spark -> DuckDB translation (see sql-recipe/to-duckdb/).
  sqlRecipeQuery: (_sparkSql, translated) => translated(),
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
    return undefined;
  },
};
