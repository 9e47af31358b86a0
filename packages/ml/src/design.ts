import { IdSchema } from "@sous/contracts";
import { z } from "zod";
import {
  AlgorithmSchema,
  CategoricalFeatureSchema,
  ClassWeightsSchema,
  type Feature,
  gridSize,
  KFoldSchema,
  MAX_GRID_COMBINATIONS,
  METRICS_BY_TASK,
  MetricSchema,
  MlTaskSchema,
  NumericFeatureSchema,
  RandomSplitSchema,
  SearchSchema,
  TimeSplitSchema,
  type TrainRequest,
} from "./contracts.ts";
import { engineProblems } from "./engine-support.ts";
import { DateFeatureSchema, TextFeatureSchema } from "./feature-handling/schemas.ts";

// A Lab analysis's design, as stored (MlAnalysis.design) and edited in the browser: the training
// request without its file paths, every column of the dataset in the features table (excluded ones
// keep their handling, so including them again restores it), and where training runs.

const include = { include: z.boolean() };
export const DesignFeatureSchema = z.discriminatedUnion("type", [
  NumericFeatureSchema.extend(include),
  CategoricalFeatureSchema.extend(include),
  TextFeatureSchema.extend(include),
  DateFeatureSchema.extend(include),
]);
export type DesignFeature = z.infer<typeof DesignFeatureSchema>;

export const MlEngineSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("local") }).strict(),
  z.object({ kind: z.literal("databricks"), connectionId: IdSchema, profileId: IdSchema }).strict(),
]);
export type MlEngine = z.infer<typeof MlEngineSchema>;

const labRatio = z.number().min(0.05).max(0.5);

export const MlDesignSchema = z
  .object({
    task: MlTaskSchema,
    target: z.string().min(1).max(256),
    features: z.array(DesignFeatureSchema).max(2000),
    // The Lab holds out between 5 % and half of the rows; the trainer itself takes any ratio.
    validation: z.discriminatedUnion("kind", [
      RandomSplitSchema.extend({ testRatio: labRatio }),
      TimeSplitSchema.extend({ testRatio: labRatio }),
      KFoldSchema,
    ]),
    algorithms: z.array(AlgorithmSchema).max(20),
    metric: MetricSchema,
    engine: MlEngineSchema,
    // Defaults: designs stored before searches and class weights existed read as before.
    search: SearchSchema.default({ kind: "grid" }),
    classWeights: ClassWeightsSchema.default("none"),
  })
  .strict();
export type MlDesign = z.infer<typeof MlDesignSchema>;

/** What stops a design from training, each with the field to fix; empty when it can train. */
export function designProblems(design: MlDesign): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  const included = design.features.filter((f) => f.include);
  if (included.length === 0) problems.push({ path: "features", message: "Include at least one feature." });
  if (included.some((f) => f.name === design.target))
    problems.push({
      path: "features",
      message: `The target ${design.target} is also a feature: exclude it from the features.`,
    });
  if (design.algorithms.length === 0)
    problems.push({ path: "algorithms", message: "Choose at least one algorithm." });
  const classifier = design.task !== "regression";
  // Algorithms already refused for the task are not refused again for the engine.
  const wrongTask = new Set<number>();
  for (const [i, a] of design.algorithms.entries()) {
    if (a.algorithm === "logistic" && !classifier) {
      wrongTask.add(i);
      problems.push({
        path: "algorithms",
        message: "Logistic regression predicts classes: use linear regression for a numeric target.",
      });
    }
    if (a.algorithm === "linear" && classifier) {
      wrongTask.add(i);
      problems.push({
        path: "algorithms",
        message: "Linear regression predicts numbers: use logistic regression for classes.",
      });
    }
  }
  for (const a of design.algorithms)
    if (design.search.kind === "grid" && gridSize(a) > MAX_GRID_COMBINATIONS)
      problems.push({
        path: "search",
        message: `The grid of ${a.algorithm} has ${gridSize(a)} combinations, more than ${MAX_GRID_COMBINATIONS}: use a random search with a budget, or fewer values.`,
      });
  if (design.classWeights !== "none" && !classifier)
    problems.push({ path: "classWeights", message: "Class weights are for class targets: choose none." });
  if (design.validation.kind === "time_split") {
    const column = design.validation.column;
    if (column === design.target)
      problems.push({ path: "validation.column", message: "The time split's column cannot be the target." });
  }
  if (!METRICS_BY_TASK[design.task].includes(design.metric))
    problems.push({ path: "metric", message: `${design.metric} is not a ${design.task} metric.` });
  // What the chosen engine cannot train, said before training (as prepare steps do for Spark).
  for (const p of engineProblems(design, design.engine.kind))
    if (!wrongTask.has(Number(p.path.split(".")[1]))) problems.push(p);
  return problems;
}

/** The trainer's request for a design (call designProblems first: this does not check). */
export function trainRequestFor(
  design: MlDesign,
  paths: { parquet: string; outputDir: string; sampleRows?: number },
): TrainRequest {
  const features: Feature[] = design.features
    .filter((f) => f.include)
    .map(({ include: _, ...f }) => f as Feature);
  return {
    parquet: paths.parquet,
    task: design.task,
    target: design.target,
    features,
    validation: design.validation,
    algorithms: design.algorithms,
    metric: design.metric,
    search: design.search,
    classWeights: design.classWeights,
    outputDir: paths.outputDir,
    sampleRows: paths.sampleRows ?? 0,
  };
}
