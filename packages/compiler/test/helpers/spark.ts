import { SparkSQL } from "dt-sql-parser";

const parser = new SparkSQL();

/** Syntax errors dt-sql-parser's Spark 3.5 grammar finds in `sql` (empty when valid). */
export function sparkSyntaxErrors(sql: string): string[] {
  return parser.validate(sql).map((e) => `${e.startLine}:${e.startColumn} ${e.message}`);
}

/** How many statements the Spark grammar sees; injection would show up as more than one. */
export function sparkStatementCount(sql: string): number {
  return parser.splitSQLByStatement(sql)?.length ?? 0;
}
