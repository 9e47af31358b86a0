import type { ColumnType } from "@sous/contracts";
import { DECIMAL_SQL } from "../decimal.ts";
import { castCanFail } from "./casts.ts";
import type { SqlDialect } from "./dialect.ts";
import { JOIN_KEYWORDS } from "./join-keywords.ts";

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

// Inside backticks only the backtick is special (doubled); no backslash processing.
const quoteIdent = (name: string): string => `\`${name.replaceAll("`", "``")}\``;
// Spark processes backslash escapes in '...' and does NOT accept '' as an escaped quote.
const stringLiteral = (value: string): string => `'${value.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;

/** Spark hooks. Spark is the reference semantics, so it only needs syntax, never emulation. */
export const sparkDialect: SqlDialect = {
  name: "spark",
  quoteIdent,
  stringLiteral,
  typeName: (t) => TYPES[t],
  parquetSource: (dir) => `parquet.${quoteIdent(dir)}`,
  sqlRecipeQuery: (sparkSql) => sparkSql,
  writeParquet: (select, dir) => `INSERT OVERWRITE DIRECTORY ${stringLiteral(dir)} USING PARQUET\n${select}`,
  // try_cast where the value may not fit: NULL under both ANSI settings (CAST raises with ANSI on).
  cast: (arg, from, to) =>
    castCanFail(from, to) ? `try_cast(${arg} AS ${TYPES[to]})` : `CAST(${arg} AS ${TYPES[to]})`,
  aggregates: {
    // try_sum: NULL when the sum overflows, with ANSI on (sum raises) and off (sum wraps) alike.
    sum: ([x], e) =>
      e.type === "double"
        ? `sum(${x})`
        : e.type === "decimal"
          ? // Spark sums a DECIMAL(p, s) into (p + 10, s): Sous' DECIMAL(38, 9) on both engines.
            `try_cast(try_sum(${x}) AS ${DECIMAL_SQL})`
          : `try_sum(${x})`,
    // Sous' avg is a double. Spark's avg of a decimal is a decimal rounded to scale + 4
    // (1.333333 for (18, 2) values), DuckDB's a double: both average the values as doubles.
    avg: ([x], e) => (e.args[0]?.type === "decimal" ? `avg(CAST(${x} AS DOUBLE))` : `avg(${x})`),
    concat_sorted: ([x], e) =>
      e.args[0]?.type === "string"
        ? `array_join(array_sort(collect_list(${x})), ',')`
        : `array_join(transform(array_sort(collect_list(${x})), v -> CAST(v AS STRING)), ',')`,
  },
  joinKeyword: (type) => (type === "left_anti" ? "LEFT ANTI JOIN" : JOIN_KEYWORDS[type]),
  windowResult: (sql, e) => {
    // The renderer writes sum(...) OVER (...); try_sum as for the group recipe.
    if (e.fn === "sum" && e.type !== "double") {
      const summed = sql.replace(/^sum\(/, "try_sum(");
      return e.type === "decimal" ? `try_cast(${summed} AS ${DECIMAL_SQL})` : summed;
    }
    return sql;
  },
  assess: () => undefined,
};
