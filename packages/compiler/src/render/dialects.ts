import type { Dialect } from "../types.ts";
import type { SqlDialect } from "./dialect.ts";
import { duckdbDialect } from "./duckdb-dialect.ts";
import { sparkDialect } from "./spark-dialect.ts";

export const DIALECT_HOOKS: Record<Dialect, SqlDialect> = {
  spark: sparkDialect,
  duckdb: duckdbDialect,
};
