// The server domain shared by the studio and the worker: rules that do I/O (Postgres through
// Prisma, storage) and must hold the same in both apps. Clients come in as arguments; nothing
// here reads the environment. Server-only: never import this package from client components.
export {
  type BuildGraphWithSchemas,
  engineKey,
  loadBuildGraph,
  parseEngineKey,
  type RemoteChoice,
} from "./build-graph.ts";
export { clusterPathResolver, loadRemoteEngine, upsertDemoConnection } from "./databricks.ts";
export {
  type NewDatasetVersion,
  type PublishHooks,
  pruneDatasetVersions,
  publishDatasetVersion,
} from "./dataset-versions.ts";
export { insertJob, type NewJob } from "./jobs/insert-job.ts";
export {
  ACTIVE_JOB_STATES,
  ACTIVITY_TRANSITIONS,
  type ActivityFields,
  type CancelOutcome,
  canMoveActivity,
  canMoveJob,
  endJob,
  IllegalTransitionError,
  initialJobState,
  isFinalActivityState,
  isFinalJobState,
  JOB_TRANSITIONS,
  type JobFields,
  type JobMove,
  moveActivities,
  moveJob,
  requestJobCancel,
} from "./jobs/job-state.ts";
export {
  activeModelVersions,
  loadScoringModel,
  type ScoringModel,
  type ScoringRuntime,
  scoredModelId,
} from "./scoring-model.ts";
