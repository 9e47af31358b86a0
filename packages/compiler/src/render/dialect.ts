import type { ColumnType } from "@sous/contracts";
import type { AggExpr, AggFn, Expr, WindowExpr } from "../ir/expr.ts";
import type { JoinType } from "../ir/rel.ts";
import type { Dialect, Translatability } from "../types.ts";

/**
 * Everything that differs between engines lives behind this interface. The base renderer never
 * asks which dialect it is rendering; it calls these hooks. Add a hook rather than a branch.
 * Functions are not here: each entry of the function catalog (catalog/) holds its SQL per
 * dialect. (A SQL recipe's own SparkSQL is a front-end's business: sql-recipe/ translates it.)
 */

export interface SqlDialect {
  readonly name: Dialect;
  /** Quotes any string as an identifier; the result can never end the identifier early. */
  quoteIdent(name: string): string;
  /** Quotes any string as a string literal; the result can never end the literal early. */
  stringLiteral(value: string): string;
  typeName(type: ColumnType): string;
  /** FROM item reading every Parquet part file of a directory (path already validated). */
  parquetSource(dir: string): string;
  /** A statement writing the SELECT's rows as Parquet into a directory (path already validated). */
  writeParquet(select: string, dir: string): string;
  /** CAST with Spark's semantics (e.g. Spark truncates double -> int, DuckDB rounds). */
  cast(arg: string, from: ColumnType, to: ColumnType): string;
  /** Aggregate renderings that differ from the base's standard SQL. */
  readonly aggregates: Partial<Record<AggFn, (args: readonly string[], e: AggExpr) => string>>;
  /** The join keyword, e.g. `LEFT ANTI JOIN` (Spark) vs `ANTI JOIN` (DuckDB). */
  joinKeyword(type: JoinType): string;
  /** Adjusts a rendered window call to Spark's result type (e.g. DuckDB's row_number is BIGINT). */
  windowResult(sql: string, e: WindowExpr): string;
  /**
   * Where the engine cannot fully reproduce Spark's result for an expression other than a function
   * call (aggregates, windows, comparisons; calls are the catalog's); undefined = full.
   */
  assess(e: Expr): Exclude<Translatability, { level: "full" }> | undefined;
  /**
   * The query this engine runs for a SQL recipe, whose text is SparkSQL: Spark runs the text as
   * written, another engine runs `translated()` (which throws when the query does not translate).
   */
  sqlRecipeQuery(sparkSql: string, translated: () => string): string;
}
