import { z } from "zod";
import { IdSchema, IsoDateSchema } from "./common.ts";
import { RemoteRunInfoSchema } from "./databricks.ts";

export const JobStateSchema = z.enum(["QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"]);
export type JobState = z.infer<typeof JobStateSchema>;
/** Activities can also be SKIPPED: not run because an upstream activity failed or the job was cancelled. */
export const ActivityStateSchema = z.enum([...JobStateSchema.options, "SKIPPED"]);
export type ActivityState = z.infer<typeof ActivityStateSchema>;

// DSS's job types, in our words: NON_RECURSIVE_FORCED_BUILD, RECURSIVE_BUILD,
// RECURSIVE_FORCED_BUILD, RECURSIVE_MISSING_ONLY_BUILD.
export const BuildModeSchema = z
  .enum(["build-only-this", "smart", "forced-recursive", "missing-only"])
  .describe(
    "build-only-this: run the recipe that writes each target, nothing upstream; smart: also rebuild what is outdated upstream, recursively (targets that are up to date are not rebuilt); forced-recursive: rebuild everything upstream; missing-only: build only datasets never built, recursively",
  );
export type BuildMode = z.infer<typeof BuildModeSchema>;

export const CreateJobBodySchema = z
  .object({
    targets: z.array(IdSchema).min(1).max(100).describe("Dataset ids to build"),
    mode: BuildModeSchema.default("build-only-this"),
    dryRun: z
      .boolean()
      .default(false)
      .describe("Return the plan without creating a job (status 200, `job` is null)"),
    pipelines: z
      .boolean()
      .default(true)
      .describe(
        "Merge consecutive recipes into one statement, without writing the datasets in between (unless marked to keep)",
      ),
  })
  .strict();
export type CreateJobBody = z.input<typeof CreateJobBodySchema>;

export const PlanReasonSchema = z
  .enum(["target", "outdated", "missing", "forced", "upstream-changed"])
  .describe("Why the dataset is built: asked for, outdated, never built, forced, or an upstream is rebuilt");

export const PlannedActivitySchema = z
  .object({
    position: z.number().int(),
    recipeIds: z.array(IdSchema).describe("Every recipe merged into this activity, upstream first"),
    recipeNames: z.array(z.string()),
    outputDatasetId: IdSchema,
    outputDatasetName: z.string(),
    virtualDatasetIds: z
      .array(IdSchema)
      .describe("Intermediate datasets computed inside the statement and not written"),
    virtualDatasetNames: z.array(z.string()),
    engine: z.string(),
    dependsOn: z.array(z.number().int()).describe("Positions of the activities that must succeed first"),
    reason: PlanReasonSchema,
  })
  .strict();
export type PlannedActivity = z.infer<typeof PlannedActivitySchema>;

export const BuildPlanSchema = z
  .object({
    mode: BuildModeSchema,
    targets: z.array(IdSchema),
    pipelines: z.boolean(),
    activities: z.array(PlannedActivitySchema),
    upToDate: z.array(IdSchema).describe("Datasets looked at and found up to date (not rebuilt)"),
    problems: z
      .array(
        z
          .object({ recipeId: IdSchema, recipeName: z.string(), message: z.string() })
          .strict()
          .describe("A recipe the build would fail on, found from the schemas before anything runs"),
      )
      .optional()
      .describe("Dry runs only: what the build would fail on (empty: nothing found)"),
  })
  .strict();
export type BuildPlan = z.infer<typeof BuildPlanSchema>;

export const JobActivitySchema = z
  .object({
    id: IdSchema,
    position: z.number().int(),
    recipeId: IdSchema,
    recipeIds: z.array(IdSchema),
    outputDatasetId: IdSchema,
    virtualDatasetIds: z.array(IdSchema),
    dependsOn: z.array(z.number().int()),
    engine: z.string(),
    state: ActivityStateSchema,
    sparkSql: z.string().nullable(),
    duckdbSql: z.string().nullable(),
    rowsWritten: z.number().nullable(),
    attempts: z.number().int(),
    error: z.string().nullable(),
    startedAt: IsoDateSchema.nullable(),
    finishedAt: IsoDateSchema.nullable(),
    durationMs: z.number().nullable(),
    upToDate: z
      .boolean()
      .describe("SUCCEEDED without running: the output was already up to date (nothing written)"),
    remote: RemoteRunInfoSchema.nullable().describe(
      "Databricks runs: the cluster, its Spark UI link and the timings (ms); null for local runs",
    ),
  })
  .strict();
export type JobActivity = z.infer<typeof JobActivitySchema>;

/** What a progress bar needs: cheap to compute from the rows, sent on every change over SSE. */
export const JobProgressSchema = z
  .object({
    jobId: IdSchema,
    state: JobStateSchema,
    total: z.number().int(),
    done: z.number().int().describe("Activities finished, whatever their outcome"),
    succeeded: z.number().int(),
    failed: z.number().int(),
    skipped: z.number().int(),
    rowsWritten: z.number(),
    current: z
      .array(z.object({ position: z.number().int(), outputDatasetId: IdSchema }).strict())
      .describe("Activities running now"),
    /** Datasets this job is writing or will write, for the canvas. */
    building: z.array(IdSchema),
    elapsedMs: z.number().nullable(),
    cancelRequested: z.boolean(),
  })
  .strict();
export type JobProgress = z.infer<typeof JobProgressSchema>;

export const JobSchema = z
  .object({
    id: IdSchema,
    projectId: IdSchema,
    state: JobStateSchema,
    mode: z.string(),
    targets: z.array(IdSchema),
    plan: BuildPlanSchema.nullable(),
    activities: z.array(JobActivitySchema),
    createdBy: z.object({ id: IdSchema, name: z.string() }).strict().nullable(),
    errorCode: z.string().nullable(),
    error: z.string().nullable(),
    cancelRequestedAt: IsoDateSchema.nullable(),
    queuedAt: IsoDateSchema,
    startedAt: IsoDateSchema.nullable(),
    finishedAt: IsoDateSchema.nullable(),
    progress: JobProgressSchema,
  })
  .strict();
export type Job = z.infer<typeof JobSchema>;

/** POST /jobs answers the job, or with `dryRun` the plan alone. */
export const CreateJobResultSchema = z.union([
  JobSchema,
  z.object({ dryRun: z.literal(true), plan: BuildPlanSchema, job: z.null() }).strict(),
]);
export type CreateJobResult = z.infer<typeof CreateJobResultSchema>;

export const ListJobsQuerySchema = z
  .object({
    state: JobStateSchema.optional(),
    dataset: IdSchema.optional().describe("Jobs that target or write this dataset"),
    user: IdSchema.optional().describe("Jobs started by this user"),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    before: IsoDateSchema.optional().describe("Jobs queued before this time (the next page)"),
  })
  .strict();

export const JobLogSchema = z
  .object({ id: z.string(), at: IsoDateSchema, level: z.string(), message: z.string() })
  .strict();
export type JobLog = z.infer<typeof JobLogSchema>;

export const JobLogsQuerySchema = z
  .object({
    after: z
      .string()
      .regex(/^\d{1,19}$/)
      .optional()
      .describe("Lines after this id (the last id of the previous page)"),
    limit: z.coerce.number().int().min(1).max(5000).default(1000),
  })
  .strict();

/** Events of GET .../jobs/{jobId}/events and GET .../jobs/events (text/event-stream). */
export const JobEventSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("progress"), progress: JobProgressSchema }).strict(),
  z.object({ type: z.literal("log"), jobId: IdSchema, lines: z.array(JobLogSchema) }).strict(),
  z.object({ type: z.literal("end"), jobId: IdSchema, state: JobStateSchema }).strict(),
]);
export type JobEvent = z.infer<typeof JobEventSchema>;
