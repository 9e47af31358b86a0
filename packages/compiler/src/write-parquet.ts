import { DIALECT_HOOKS } from "./render/dialects.ts";
import type { Dialect } from "./types.ts";
import { assertSafePath, normaliseDir } from "./validate/paths.ts";

/**
 * Wraps a compiled SELECT into the statement that writes its rows as Parquet into `path`
 * (a directory). DuckDB writes `<dir>/part-0.parquet`; Spark overwrites the directory.
 */
export function renderWriteParquet(args: { selectSql: string; path: string; dialect: Dialect }): string {
  assertSafePath(args.path, "The output path");
  return DIALECT_HOOKS[args.dialect].writeParquet(args.selectSql, normaliseDir(args.path));
}
