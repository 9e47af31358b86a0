export { computeFreshness, type DatasetFreshness } from "./freshness.ts";
export type { BuildGraph, GraphDataset, GraphRecipe } from "./graph.ts";
export { hashString, recipeBuildHash, stableStringify, versionIdentity } from "./hash.ts";
export { downstreamOf, type PlanResult, planBuild } from "./plan-build.ts";
export { nextRunnable, type SchedulableActivity } from "./schedule.ts";
export {
  buildSchemaProblems,
  type InferInput,
  type InferSchemas,
  propagateSchemas,
  type SchemaGraph,
  type SchemaGraphDataset,
  type SchemaGraphRecipe,
  type SchemaProblem,
  type SchemaState,
} from "./schemas.ts";
