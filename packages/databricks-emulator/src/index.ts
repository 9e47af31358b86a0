export type { ClusterSpec, ClusterState } from "./clusters.ts";
export { sqlHttpPath } from "./clusters.ts";
export { queryLocalDuckDb } from "./local-duckdb.ts";
export type { MountTable } from "./mounts.ts";
export { resolveMountedPath } from "./mounts.ts";
export type { DatabricksEmulator, DatabricksEmulatorOptions } from "./server.ts";
export { startDatabricksEmulator } from "./server.ts";
export type { DuckDbPlan } from "./spark-to-duckdb.ts";
export { TranslationError, translateSparkToDuckDb } from "./spark-to-duckdb.ts";
