export { type ClusterLoad, createClusterLoad } from "./cluster-load.ts";
export {
  type ClusterSpec,
  checkSpecAgainstWorkspace,
  clusterSpecSchema,
  DATA_SECURITY_MODES,
  PROFILE_TAG,
  profileLimitsSchema,
  type SpecIssue,
  specIssues,
} from "./cluster-spec.ts";
export {
  attachToCluster,
  type CommandOutput,
  commandOutputOf,
  type ExecutionContext,
  openExecutionContext,
  type PollOptions,
  typeOfSchemaField,
} from "./command-execution.ts";
export {
  accountOf,
  type ConnectionConfig,
  type ConnectionSecrets,
  connectionConfigSchema,
  connectionSecretContext,
  connectionSecretsSchema,
  DATABRICKS_CONNECTION_KIND,
  last4,
  MissingDatabricksTokenError,
  resolveRunToken,
  UnreadableSecretError,
  userTokenContext,
} from "./connection-config.ts";
export { DEMO_CONNECTION_NAME, DEMO_PROFILE, demoConnectionRecord } from "./demo-connection.ts";
export {
  type ClusterLease,
  type ComputeProfileRef,
  createSpecFor,
  type EnsureClusterOptions,
  ensureCluster,
  formatDuration,
  type JobLogFn,
} from "./ensure-cluster.ts";
export { DatabricksApiError, DatabricksSqlError } from "./errors.ts";
export {
  clusterHttpPath,
  clusterPathFor,
  type MountMapping,
  restPathFor,
  sparkUiUrl,
  storagePrefixSchema,
  workspaceOrgId,
} from "./mount-mapping.ts";
export {
  JobRunFailedError,
  type PythonJobOptions,
  type PythonJobResult,
  type PythonJobState,
  runPythonJob,
} from "./python-job.ts";
export { type ClusterQueryResult, queryOnDatabricks, sparkErrorPosition } from "./query-on-cluster.ts";
export { mountMappingOf, UNMOUNTED_CLUSTER_PREFIX } from "./read-locations.ts";
export {
  createRemoteEngine,
  type RemoteEngine,
  type RemoteEngineOptions,
  type StoredComputeProfile,
  type StoredConnection,
} from "./remote-engine.ts";
export { describeRemoteFailure, type RemoteFailure } from "./remote-failure.ts";
export { type RemoteRunResult, runRemoteActivity } from "./remote-run.ts";
export type { DatabricksRestClient, DatabricksRestClientOptions, RestCallOptions } from "./rest-client.ts";
export { createDatabricksRestClient } from "./rest-client.ts";
export type {
  ClusterCreateSpec,
  ClusterDetails,
  ClusterEvent,
  CommandLanguage,
  CommandResults,
  CommandStatus,
  ContextStatus,
  JobRun,
  JobRunOutput,
  NodeType,
  RunState,
  SparkVersion,
  SubmitRunRequest,
} from "./rest-schemas.ts";
export { type BackoffOptions, pollWithBackoff, withBackoff } from "./retry.ts";
export { type RemoteActivityInfo, runOnDatabricks } from "./run-on-databricks.ts";
export type {
  DatabricksSqlRunner,
  DatabricksSqlRunnerOptions,
  OpenSessionRetryOptions,
  SqlRunResult,
  SqlSession,
} from "./sql-runner.ts";
export { createDatabricksSqlRunner } from "./sql-runner.ts";
export {
  type DatabricksTimeouts,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_READ_TIMEOUT_MS,
} from "./timeouts.ts";
export { copyPrefix, type UploadedInput, uploadInputsIfMissing } from "./upload-inputs.ts";
