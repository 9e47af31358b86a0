// Response shapes of the Clusters API (field names from the Databricks SDK's compute.ClusterDetails).
// Objects are loose: Databricks adds fields over time and Sous should not break on them.
import { z } from "zod";

const CLUSTER_STATES = [
  "PENDING",
  "RUNNING",
  "RESTARTING",
  "RESIZING",
  "TERMINATING",
  "TERMINATED",
  "ERROR",
  "UNKNOWN",
] as const;

export const clusterDetailsSchema = z.looseObject({
  cluster_id: z.string(),
  cluster_name: z.string().optional(),
  spark_version: z.string().optional(),
  node_type_id: z.string().optional(),
  driver_node_type_id: z.string().optional(),
  num_workers: z.number().optional(),
  autoscale: z.object({ min_workers: z.number(), max_workers: z.number() }).optional(),
  autotermination_minutes: z.number().optional(),
  // A state this code does not know yet must not make the whole listing unreadable.
  state: z.enum(CLUSTER_STATES).catch("UNKNOWN"),
  state_message: z.string().optional(),
  start_time: z.number().optional(),
  terminated_time: z.number().optional(),
  termination_reason: z.looseObject({ code: z.string().optional(), type: z.string().optional() }).optional(),
  custom_tags: z.record(z.string(), z.string()).optional(),
});
export type ClusterDetails = z.infer<typeof clusterDetailsSchema>;

// Databricks omits `clusters` entirely when the workspace has none.
export const listClustersSchema = z.looseObject({ clusters: z.array(clusterDetailsSchema).default([]) });

export const createClusterResponseSchema = z.looseObject({ cluster_id: z.string().min(1) });

const sparkVersionSchema = z.looseObject({ key: z.string(), name: z.string() });
export type SparkVersion = z.infer<typeof sparkVersionSchema>;
export const listSparkVersionsSchema = z.looseObject({ versions: z.array(sparkVersionSchema).default([]) });

const nodeTypeSchema = z.looseObject({
  node_type_id: z.string(),
  memory_mb: z.number(),
  num_cores: z.number(),
  description: z.string().optional(),
  category: z.string().optional(),
});
export type NodeType = z.infer<typeof nodeTypeSchema>;
export const listNodeTypesSchema = z.looseObject({ node_types: z.array(nodeTypeSchema).default([]) });

const clusterEventSchema = z.looseObject({
  cluster_id: z.string(),
  timestamp: z.number(),
  type: z.string(),
  details: z.looseObject({}).optional(),
});
export type ClusterEvent = z.infer<typeof clusterEventSchema>;
export const clusterEventsSchema = z.looseObject({
  events: z.array(clusterEventSchema).default([]),
  total_count: z.number().optional(),
});

// SCIM "Me": the cheapest call that proves a token is valid.
export const scimMeSchema = z.looseObject({ userName: z.string().optional(), id: z.string().optional() });

export const dbfsStatusSchema = z.looseObject({
  path: z.string(),
  is_dir: z.boolean().optional(),
  file_size: z.number().optional(),
});

export const emptyResponseSchema = z.looseObject({});

export const errorBodySchema = z.looseObject({
  error_code: z.string().optional(),
  message: z.string().optional(),
});

/** What Sous sends to clusters/create; spark_version is the only field Databricks requires. */
export type ClusterCreateSpec = {
  cluster_name?: string;
  spark_version: string;
  node_type_id?: string;
  driver_node_type_id?: string;
  num_workers?: number;
  autoscale?: { min_workers: number; max_workers: number };
  autotermination_minutes?: number;
  spark_conf?: Record<string, string>;
  spark_env_vars?: Record<string, string>;
  custom_tags?: Record<string, string>;
  data_security_mode?: string;
  single_user_name?: string;
  runtime_engine?: "STANDARD" | "PHOTON";
  policy_id?: string;
};

// Jobs API 2.2 one-time runs (field names from the Databricks SDK's jobs.Run / RunOutput).

/** runs/submit with one spark_python_task on an existing cluster: what Sous submits. */
export type SubmitRunRequest = {
  run_name?: string;
  /** At most 64 characters; a submit repeated with the same token returns the same run. */
  idempotency_token?: string;
  timeout_seconds?: number;
  tasks: {
    task_key: string;
    existing_cluster_id: string;
    spark_python_task: { python_file: string; parameters?: string[] };
    timeout_seconds?: number;
  }[];
};

export const submitRunResponseSchema = z.looseObject({ run_id: z.number().int() });

const RUN_LIFE_CYCLE_STATES = [
  "QUEUED",
  "PENDING",
  "RUNNING",
  "TERMINATING",
  "TERMINATED",
  "SKIPPED",
  "INTERNAL_ERROR",
  "BLOCKED",
  "WAITING_FOR_RETRY",
  "UNKNOWN",
] as const;

const runStateSchema = z.looseObject({
  // A state this code does not know yet must not make the run unreadable.
  life_cycle_state: z.enum(RUN_LIFE_CYCLE_STATES).catch("UNKNOWN"),
  result_state: z.string().optional(),
  state_message: z.string().optional(),
  user_cancelled_or_timedout: z.boolean().optional(),
});
export type RunState = z.infer<typeof runStateSchema>;

export const jobRunSchema = z.looseObject({
  run_id: z.number().int(),
  state: runStateSchema,
  tasks: z
    .array(
      z.looseObject({ run_id: z.number().int(), task_key: z.string(), state: runStateSchema.optional() }),
    )
    .default([]),
  start_time: z.number().optional(),
  end_time: z.number().optional(),
  run_page_url: z.string().optional(),
});
export type JobRun = z.infer<typeof jobRunSchema>;

export const jobRunOutputSchema = z.looseObject({
  logs: z.string().optional(),
  logs_truncated: z.boolean().optional(),
  error: z.string().optional(),
  error_trace: z.string().optional(),
});
export type JobRunOutput = z.infer<typeof jobRunOutputSchema>;

// Command Execution API 1.2 (camelCase keys; research §3).
export const commandLanguageSchema = z.enum(["python", "sql", "scala", "r"]);
export type CommandLanguage = z.infer<typeof commandLanguageSchema>;

export const idResponseSchema = z.looseObject({ id: z.string() });

export const contextStatusSchema = z.looseObject({
  id: z.string(),
  status: z.enum(["Pending", "Running", "Error"]),
});
export type ContextStatus = z.infer<typeof contextStatusSchema>;

/** What a finished command gives: text, a table (rows and a JSON-typed schema), an image or an error. */
export const commandResultsSchema = z.looseObject({
  resultType: z.enum(["text", "table", "image", "images", "error"]).optional(),
  data: z.unknown().optional(),
  schema: z.array(z.looseObject({ name: z.string(), type: z.string() })).optional(),
  truncated: z.boolean().optional(),
  isJsonSchema: z.boolean().optional(),
  summary: z.string().optional(),
  cause: z.string().optional(),
  fileName: z.string().optional(),
  fileNames: z.array(z.string()).optional(),
});
export type CommandResults = z.infer<typeof commandResultsSchema>;

export const commandStatusSchema = z.looseObject({
  id: z.string(),
  status: z.enum(["Queued", "Running", "Cancelling", "Cancelled", "Finished", "Error"]),
  results: commandResultsSchema.nullable().optional(),
});
export type CommandStatus = z.infer<typeof commandStatusSchema>;
