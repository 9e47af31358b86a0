export type { ClusterEvent, ClusterSpec, ClusterState } from "./clusters.ts";
export { sqlHttpPath } from "./clusters.ts";
export { queryLocalDuckDb } from "./local-duckdb.ts";
export type { BlobMountSpec, MountSpec } from "./mount-store.ts";
export type { MountTable } from "./mounts.ts";
export { resolveMountedPath } from "./mounts.ts";
export type { DatabricksEmulator, DatabricksEmulatorOptions, InjectedFault } from "./server.ts";
export { startDatabricksEmulator } from "./server.ts";
export {
  SparkEngine,
  type SparkProcessOptions,
  setDefaultSparkProcess,
  sparkProcessOptionsFromEnv,
} from "./spark-engine.ts";
export { guardStatement } from "./statement-guard.ts";
