import { z } from "zod";
import { IdSchema, IsoDateSchema } from "./common.ts";

export const JobStateSchema = z.enum(["QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"]);
export type JobState = z.infer<typeof JobStateSchema>;

export const BuildModeSchema = z
  .enum(["build-only-this"])
  .describe("build-only-this: run the recipe that writes each target, nothing upstream");

export const CreateJobBodySchema = z
  .object({
    targets: z.array(IdSchema).min(1).max(100).describe("Dataset ids to build"),
    mode: BuildModeSchema.default("build-only-this"),
  })
  .strict();

export const JobActivitySchema = z
  .object({
    id: IdSchema,
    recipeId: IdSchema,
    outputDatasetId: IdSchema,
    engine: z.string(),
    state: JobStateSchema,
    sparkSql: z.string().nullable(),
    duckdbSql: z.string().nullable(),
    rowsWritten: z.number().nullable(),
    error: z.string().nullable(),
    startedAt: IsoDateSchema.nullable(),
    finishedAt: IsoDateSchema.nullable(),
  })
  .strict();

export const JobSchema = z
  .object({
    id: IdSchema,
    projectId: IdSchema,
    state: JobStateSchema,
    mode: z.string(),
    targets: z.array(IdSchema),
    activities: z.array(JobActivitySchema),
    errorCode: z.string().nullable(),
    error: z.string().nullable(),
    queuedAt: IsoDateSchema,
    startedAt: IsoDateSchema.nullable(),
    finishedAt: IsoDateSchema.nullable(),
  })
  .strict();
export type Job = z.infer<typeof JobSchema>;

export const JobLogSchema = z
  .object({ id: z.string(), at: IsoDateSchema, level: z.string(), message: z.string() })
  .strict();
