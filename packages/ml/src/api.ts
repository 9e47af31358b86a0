import { IdSchema, IsoDateSchema, JobStateSchema } from "@sous/contracts";
import { z } from "zod";
import { ClusterAlgorithmSchema } from "./clustering.ts";
import { AlgorithmSchema, MetricSchema, MlTaskSchema, TrainResultSchema } from "./contracts.ts";
import { MlDesignSchema } from "./design.ts";

// The Lab's REST shapes (the studio's endpoint table validates and documents them).

// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;
const name = z
  .string()
  .trim()
  .min(1)
  .max(120)
  .refine((s) => !CONTROL.test(s), "no control characters");

export const CreateAnalysisBodySchema = z
  .object({
    datasetId: IdSchema,
    target: z.string().min(1).max(256),
    task: MlTaskSchema.optional().describe("Guessed from the target column when omitted"),
    name: name.optional().describe("Defaults to '<target> on <dataset>'"),
  })
  .strict();

export const UpdateAnalysisBodySchema = z
  .object({
    design: MlDesignSchema,
    /** The version the edit started from: a stale one is a 409. */
    version: z.number().int().min(1),
    name: name.optional(),
  })
  .strict();

export const SuggestBodySchema = z
  .object({ datasetId: IdSchema, target: z.string().min(1).max(256), task: MlTaskSchema.optional() })
  .strict();

export const DesignSuggestionSchema = z
  .object({
    design: MlDesignSchema,
    reasons: z.record(z.string(), z.string()).describe("Why each excluded column is excluded"),
    rows: z.number().int().describe("Rows of the sample the suggestion was computed on"),
  })
  .strict();

export const MlTrainingSchema = z
  .object({
    id: IdSchema,
    number: z.number().int(),
    jobId: IdSchema,
    state: JobStateSchema,
    engine: z.string(),
    design: MlDesignSchema,
    result: TrainResultSchema.nullable(),
    error: z.string().nullable(),
    createdAt: IsoDateSchema,
    finishedAt: IsoDateSchema.nullable(),
  })
  .strict();
export type MlTrainingDto = z.infer<typeof MlTrainingSchema>;

export const MlAnalysisSchema = z
  .object({
    id: IdSchema,
    projectId: IdSchema,
    datasetId: IdSchema,
    datasetName: z.string(),
    name: z.string(),
    design: MlDesignSchema,
    version: z.number().int(),
    /** What stops the design from training, each with the field to fix (empty: it can train). */
    problems: z.array(z.object({ path: z.string(), message: z.string() }).strict()),
    trainings: z.array(MlTrainingSchema),
    createdAt: IsoDateSchema,
    updatedAt: IsoDateSchema,
  })
  .strict();
export type MlAnalysisDto = z.infer<typeof MlAnalysisSchema>;

export const MlAnalysisSummarySchema = MlAnalysisSchema.omit({ trainings: true, problems: true }).extend({
  trainingCount: z.number().int(),
});

/** One row of the table comparing every model of every training of the project. */
export const ModelRowSchema = z
  .object({
    analysisId: IdSchema,
    analysisName: z.string(),
    trainingId: IdSchema,
    trainingNumber: z.number().int(),
    modelIndex: z.number().int(),
    task: MlTaskSchema,
    algorithm: AlgorithmSchema,
    metrics: z.partialRecord(MetricSchema, z.number()),
    trainMs: z.number(),
    best: z.boolean(),
    finishedAt: IsoDateSchema.nullable(),
  })
  .strict();

export const DeployBodySchema = z
  .object({
    modelIndex: z.number().int().min(0),
    /** A new saved model of this name, or a new version of an existing one (savedModelId). */
    name: name.optional(),
    savedModelId: IdSchema.optional(),
  })
  .strict()
  .refine((b) => (b.name === undefined) !== (b.savedModelId === undefined), {
    message: "give either a name (a new saved model) or savedModelId (a new version)",
  });

export const SavedModelVersionSchema = z
  .object({
    id: IdSchema,
    number: z.number().int(),
    trainingId: IdSchema.nullable(),
    modelIndex: z.number().int(),
    /** A clustering version scores a `cluster` column (no evaluation or API endpoint yet). */
    task: z.union([MlTaskSchema, z.literal("clustering")]),
    algorithm: z.union([AlgorithmSchema, ClusterAlgorithmSchema]),
    metrics: z.partialRecord(z.union([MetricSchema, z.literal("silhouette")]), z.number()),
    portable: z.boolean().describe("Scores without Python (SQL or in-process)"),
    active: z.boolean(),
    createdAt: IsoDateSchema,
  })
  .strict();

export const SavedModelSchema = z
  .object({
    id: IdSchema,
    projectId: IdSchema,
    name: z.string(),
    datasetId: IdSchema,
    analysisId: IdSchema.nullable(),
    activeVersionId: IdSchema.nullable(),
    versions: z.array(SavedModelVersionSchema),
    createdAt: IsoDateSchema,
  })
  .strict();
export type SavedModelDto = z.infer<typeof SavedModelSchema>;

export const SetActiveVersionBodySchema = z.object({ versionId: IdSchema }).strict();
