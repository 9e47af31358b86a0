import type { DuckDBConnection } from "@duckdb/node-api";
import * as api from "@duckdb/node-api";
import { registerSousUdfs as register } from "@sous/compiler/udfs";

/**
 * Registers the JavaScript functions compiled prepare recipes may call (`sous_parse_ua`,
 * `sous_is_holiday`; implementations in `@sous/compiler/udfs`) on a connection. Call it on every
 * connection that runs compiled recipe SQL, before running it.
 */
export function registerSousUdfs(connection: DuckDBConnection): void {
  register(connection, api);
}
