import type { ColumnType } from "@sous/contracts";
import type { SqlDialect } from "./dialect.ts";

const TYPES: Record<ColumnType, string> = {
  string: "VARCHAR",
  integer: "INTEGER",
  bigint: "BIGINT",
  double: "DOUBLE",
  decimal: "DECIMAL(38, 18)",
  boolean: "BOOLEAN",
  date: "DATE",
  timestamp: "TIMESTAMP",
};

const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;
// DuckDB treats backslashes literally in '...' strings; only the quote needs doubling.
const stringLiteral = (value: string): string => `'${value.replaceAll("'", "''")}'`;

const INTEGRAL: ReadonlySet<ColumnType> = new Set(["integer", "bigint"]);
const FRACTIONAL: ReadonlySet<ColumnType> = new Set(["double", "decimal"]);

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
  cast: (arg, from, to) =>
    FRACTIONAL.has(from) && INTEGRAL.has(to)
      ? `CAST(trunc(${arg}) AS ${TYPES[to]})`
      : `CAST(${arg} AS ${TYPES[to]})`,
  aggregates: {
    // DuckDB sums integers into HUGEINT; Spark's result type is BIGINT.
    sum: ([x], e) => (e.type === "bigint" ? `CAST(sum(${x}) AS BIGINT)` : `sum(${x})`),
    // string_agg skips NULLs like collect_list, but yields NULL (not '') when nothing is left.
    concat_sorted: ([x]) => `coalesce(string_agg(CAST(${x} AS VARCHAR), ',' ORDER BY ${x}), '')`,
  },
  scalars: {},
  assess: (e) => {
    if (e.kind === "agg" && e.fn === "concat_sorted" && e.args[0]?.type === "double") {
      return {
        level: "partial",
        condition: "doubles are printed differently from Spark (10000000000.0 instead of 1.0E10)",
      };
    }
    return undefined;
  },
};
