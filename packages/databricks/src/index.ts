export { DatabricksApiError, DatabricksSqlError } from "./errors.ts";
export type { DatabricksRestClient, DatabricksRestClientOptions } from "./rest-client.ts";
export { createDatabricksRestClient } from "./rest-client.ts";
export type { ClusterCreateSpec, ClusterDetails, NodeType, SparkVersion } from "./rest-schemas.ts";
export type {
  DatabricksSqlRunner,
  DatabricksSqlRunnerOptions,
  OpenSessionRetryOptions,
  SqlRunResult,
} from "./sql-runner.ts";
export { createDatabricksSqlRunner } from "./sql-runner.ts";
