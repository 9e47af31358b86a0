import { z } from "zod";
import {
  CategoricalEncodingSchema,
  DateFeatureSchema,
  extraFeatureWidth,
  PortableDateSchema,
  PortableOrdinalSchema,
  PortableTargetSchema,
  PortableTextSchema,
  TextFeatureSchema,
} from "./feature-handling/schemas.ts";

// The training request and result of the local trainer (python/sous_ml/train.py, which reads
// exactly these keys), and the portable model it writes.

export const MlTaskSchema = z.enum(["binary", "multiclass", "regression"]);
export type MlTask = z.infer<typeof MlTaskSchema>;

const name = z.string().min(1).max(256);
const seed = z
  .number()
  .int()
  .min(0)
  .max(2 ** 32 - 1);

export const NumericFeatureSchema = z
  .object({
    name,
    type: z.literal("numeric"),
    impute: z.discriminatedUnion("method", [
      z.object({ method: z.enum(["mean", "median"]) }).strict(),
      z.object({ method: z.literal("constant"), value: z.number().finite() }).strict(),
    ]),
    rescale: z.enum(["standard", "minmax", "none"]),
  })
  .strict();

export const CategoricalFeatureSchema = z
  .object({
    name,
    type: z.literal("categorical"),
    impute: z.discriminatedUnion("method", [
      z.object({ method: z.literal("most_frequent") }).strict(),
      z.object({ method: z.literal("constant"), value: z.string() }).strict(),
    ]),
    /** One-hot columns for the N most frequent levels; the rest share one "others" column. */
    maxLevels: z.number().int().min(1).max(1000),
    /** One-hot (absent: designs stored before the option), ordinal codes or target means (feature-handling/schemas.ts). */
    encoding: CategoricalEncodingSchema.optional(),
    /** Target encoding's smoothing (DEFAULT_TARGET_SMOOTHING when absent). */
    smoothing: z.number().min(0).max(1e6).optional(),
  })
  .strict();

export const FeatureSchema = z.discriminatedUnion("type", [
  NumericFeatureSchema,
  CategoricalFeatureSchema,
  TextFeatureSchema,
  DateFeatureSchema,
]);
export type Feature = z.infer<typeof FeatureSchema>;

const depth = z.number().int().min(1).max(64).nullable();
const leaf = z.number().int().min(1);
const C = z.number().positive();
const maxIter = z.number().int().min(1);
const alpha = z.number().min(0);
const nTrees = z.number().int().min(1).max(2000);
const learningRate = z.number().gt(0).max(1);
const gbtDepth = z.number().int().min(1).max(30);

/**
 * A hyperparameter grid: per setting, the values to try (the setting's own value is used for the
 * settings without a list). The search (TrainRequest.search) tries their combinations and keeps
 * the best by the metric on the validation rows.
 */
const values = <T extends z.ZodType>(t: T) => z.array(t).min(1).max(20);
const grid = <S extends z.ZodRawShape>(shape: S) => z.object(shape).partial().strict().optional();

export const AlgorithmSchema = z.discriminatedUnion("algorithm", [
  z
    .object({
      algorithm: z.literal("logistic"),
      C,
      maxIter,
      grid: grid({ C: values(C), maxIter: values(maxIter) }),
    })
    .strict(),
  z.object({ algorithm: z.literal("linear"), alpha, grid: grid({ alpha: values(alpha) }) }).strict(),
  z
    .object({
      algorithm: z.literal("decisionTree"),
      maxDepth: depth,
      minSamplesLeaf: leaf,
      grid: grid({ maxDepth: values(depth), minSamplesLeaf: values(leaf) }),
    })
    .strict(),
  z
    .object({
      algorithm: z.literal("randomForest"),
      nTrees,
      maxDepth: depth,
      minSamplesLeaf: leaf,
      grid: grid({ nTrees: values(nTrees), maxDepth: values(depth), minSamplesLeaf: values(leaf) }),
    })
    .strict(),
  z
    .object({
      /** Gradient boosted trees: scikit-learn GradientBoosting locally, MLlib GBT (binary and regression) on Databricks. */
      algorithm: z.literal("gbt"),
      nTrees,
      learningRate,
      maxDepth: gbtDepth,
      minSamplesLeaf: leaf,
      grid: grid({
        nTrees: values(nTrees),
        learningRate: values(learningRate),
        maxDepth: values(gbtDepth),
        minSamplesLeaf: values(leaf),
      }),
    })
    .strict(),
  z
    .object({
      /**
       * XGBoost (hist, CPU), local only. Its float32 sums have no exact portable form: it scores
       * through Python (the trained model has no `portable`).
       */
      algorithm: z.literal("xgboost"),
      nTrees,
      learningRate,
      maxDepth: gbtDepth,
      grid: grid({ nTrees: values(nTrees), learningRate: values(learningRate), maxDepth: values(gbtDepth) }),
    })
    .strict(),
]);
export type Algorithm = z.infer<typeof AlgorithmSchema>;

export const MetricSchema = z.enum([
  "auc",
  "accuracy",
  "f1",
  "precision",
  "recall",
  "lift",
  "logLoss",
  "macroF1",
  "r2",
  "rmse",
  "mae",
  "mape",
]);
export type Metric = z.infer<typeof MetricSchema>;

/** The metrics each task reports (and may optimise). */
export const METRICS_BY_TASK: Record<MlTask, readonly Metric[]> = {
  binary: ["auc", "accuracy", "f1", "precision", "recall", "lift", "logLoss"],
  multiclass: ["accuracy", "macroF1", "logLoss"],
  regression: ["r2", "rmse", "mae", "mape"],
};

/** Whether a larger value of the metric is better (the best model and the compare table sort by it). */
export const HIGHER_IS_BETTER: Record<Metric, boolean> = {
  auc: true,
  accuracy: true,
  f1: true,
  precision: true,
  recall: true,
  lift: true,
  logLoss: false,
  macroF1: true,
  r2: true,
  rmse: false,
  mae: false,
  mape: false,
};

/** A seeded random split: `testRatio` of the rows with a target are held out to measure the models. */
export const RandomSplitSchema = z
  .object({
    kind: z.literal("random_split"),
    testRatio: z.number().gt(0).lt(1),
    seed,
  })
  .strict();

/** A time-ordered split: the latest `testRatio` of the rows (by `column`, ascending) are the test rows. */
export const TimeSplitSchema = z
  .object({ kind: z.literal("time_split"), column: name, testRatio: z.number().gt(0).lt(1) })
  .strict();

/**
 * K-fold cross-validation over every row with a target (seeded folds): the metrics are the mean
 * (and standard deviation) over the folds, the charts come from the out-of-fold predictions, and
 * the model kept is refitted on all the rows.
 */
export const KFoldSchema = z
  .object({ kind: z.literal("kfold"), k: z.number().int().min(3).max(10), seed })
  .strict();

export const ValidationSchema = z.discriminatedUnion("kind", [
  RandomSplitSchema,
  TimeSplitSchema,
  KFoldSchema,
]);
export type Validation = z.infer<typeof ValidationSchema>;

/**
 * How an algorithm's grid is searched: every combination, or `budget` of them drawn at random
 * (seeded). Each combination is scored on the validation rows: the folds with k-fold, else an
 * inner split of the training rows of the same kind; the test rows never choose.
 */
export const SearchSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("grid") }).strict(),
  z.object({ kind: z.literal("random"), budget: z.number().int().min(1).max(500), seed }).strict(),
]);
export type Search = z.infer<typeof SearchSchema>;

/** A grid search tries at most this many combinations per algorithm (a random search, its budget). */
export const MAX_GRID_COMBINATIONS = 200;

/** "balanced": each class weighs n / (classes x its rows), as scikit-learn's class_weight="balanced". */
export const ClassWeightsSchema = z.enum(["none", "balanced"]);
export type ClassWeights = z.infer<typeof ClassWeightsSchema>;

type GridAlgorithm = { algorithm: string; grid?: Record<string, unknown[] | undefined> | undefined };

/** How many combinations an algorithm's grid has (1 without a grid). */
export function gridSize(a: GridAlgorithm): number {
  return Object.values(a.grid ?? {}).reduce((n, v) => n * (v?.length ?? 1), 1);
}

/** How many combinations the search tries for the algorithm. */
export function searchedCombinations(a: GridAlgorithm, search: Search): number {
  const size = gridSize(a);
  return search.kind === "random" ? Math.min(size, search.budget) : size;
}

export const TrainRequestSchema = z
  .object({
    /** A Parquet file or a folder of Parquet files (a dataset version). */
    parquet: z.string().min(1),
    task: MlTaskSchema,
    target: name,
    features: z.array(FeatureSchema).min(1),
    validation: ValidationSchema,
    algorithms: z.array(AlgorithmSchema).min(1),
    metric: MetricSchema,
    search: SearchSchema.default({ kind: "grid" }),
    classWeights: ClassWeightsSchema.default("none"),
    /** Where each model's pickle and portable JSON are written. */
    outputDir: z.string().min(1),
    /** Test rows whose raw features and predictions come back in the result (to check scorers). */
    sampleRows: z.number().int().min(0).max(10_000).default(0),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (!METRICS_BY_TASK[r.task].includes(r.metric))
      ctx.addIssue({ code: "custom", path: ["metric"], message: `${r.metric} is not a ${r.task} metric` });
    const names = new Set<string>();
    for (const [i, f] of r.features.entries()) {
      if (f.name === r.target)
        ctx.addIssue({
          code: "custom",
          path: ["features", i],
          message: `the target ${r.target} cannot be a feature`,
        });
      if (names.has(f.name))
        ctx.addIssue({ code: "custom", path: ["features", i], message: `feature ${f.name} is listed twice` });
      names.add(f.name);
    }
    const classifier = r.task !== "regression";
    if (r.classWeights !== "none" && !classifier)
      ctx.addIssue({ code: "custom", path: ["classWeights"], message: "class weights need a class target" });
    if (r.validation.kind === "time_split" && r.validation.column === r.target)
      ctx.addIssue({
        code: "custom",
        path: ["validation", "column"],
        message: "the time split's column cannot be the target",
      });
    for (const [i, a] of r.algorithms.entries()) {
      if (r.search.kind === "grid" && gridSize(a) > MAX_GRID_COMBINATIONS)
        ctx.addIssue({
          code: "custom",
          path: ["algorithms", i, "grid"],
          message: `the grid of ${a.algorithm} has ${gridSize(a)} combinations, more than ${MAX_GRID_COMBINATIONS}: use a random search with a budget`,
        });
      if (a.algorithm === "logistic" && !classifier)
        ctx.addIssue({
          code: "custom",
          path: ["algorithms", i],
          message: "logistic regression needs a class target",
        });
      if (a.algorithm === "linear" && classifier)
        ctx.addIssue({
          code: "custom",
          path: ["algorithms", i],
          message: "linear regression needs a numeric target",
        });
    }
  });
export type TrainRequest = z.input<typeof TrainRequestSchema>;

/** A raw cell as the trainer and the scorer see it. */
export const CellSchema = z.union([z.number(), z.string(), z.boolean(), z.null()]);
export type Cell = z.infer<typeof CellSchema>;
const Label = z.union([z.string(), z.number(), z.boolean()]);

/** Every combination a search tried with its validation score, and the one kept (refitted). */
export const SearchResultSchema = z
  .object({
    metric: MetricSchema,
    /** Combinations in the grid; a random search tried `tried.length` of them. */
    gridSize: z.number().int().min(1),
    tried: z.array(
      z
        .object({
          params: z.record(z.string(), z.number().nullable()),
          /** The metric on the validation rows (mean over the folds with k-fold); null when undefined there. */
          score: z.number().nullable(),
          std: z.number().optional(),
        })
        .strict(),
    ),
    best: z.number().int().min(0),
  })
  .strict();
export type SearchResult = z.infer<typeof SearchResultSchema>;

export const TrainedModelSchema = z
  .object({
    algorithm: AlgorithmSchema,
    metrics: z.partialRecord(MetricSchema, z.number()),
    trainMs: z.number(),
    /** Relative to outputDir. */
    pickle: z.string(),
    /**
     * With tf-idf features it cannot score in SQL nor in TypeScript (ownRuntimeReason says why).
     * Absent for XGBoost, which scores through Python only.
     */
    portable: z.string().optional(),
    /** Relative to outputDir: the ModelChartsSchema JSON (absent from trainers that do not draw). */
    charts: z.string().optional(),
    sample: z
      .object({ prediction: z.array(Label), probabilities: z.array(z.array(z.number())).optional() })
      .strict(),
    /** K-fold: the standard deviation over the folds of each metric (`metrics` holds the mean). */
    metricsStd: z.partialRecord(MetricSchema, z.number()).optional(),
    /** The hyperparameter search, when the algorithm had a grid. */
    search: SearchResultSchema.optional(),
  })
  .strict();

export const TrainResultSchema = z.discriminatedUnion("ok", [
  z
    .object({
      ok: z.literal(true),
      task: MlTaskSchema,
      target: z.string(),
      classes: z.array(Label).nullable(),
      rows: z
        .object({
          read: z.number(),
          withoutTarget: z.number(),
          train: z.number(),
          test: z.number(),
          /** K-fold: the folds; train and test are then every row (each row is tested once, out of fold). */
          folds: z.number().int().optional(),
        })
        .strict(),
      /** A time split: the last training value of the column and the first test value (as text). */
      timeSplit: z
        .object({ column: z.string(), trainUntil: z.string(), testFrom: z.string() })
        .strict()
        .optional(),
      models: z.array(TrainedModelSchema).min(1),
      best: z.object({ index: z.number().int().min(0), metric: MetricSchema }).strict(),
      sample: z.array(z.record(z.string(), CellSchema)),
      totalMs: z.number(),
    })
    .strict(),
  z
    .object({
      ok: z.literal(false),
      /** The trainer's reason, e.g. ML_TARGET_CONSTANT; the message says what to fix. */
      error: z.object({ code: z.string(), message: z.string() }).strict(),
    })
    .strict(),
]);
export type TrainResult = z.infer<typeof TrainResultSchema>;

const finite = z.number().finite();

export const PortableFeatureSchema = z.discriminatedUnion("type", [
  z
    .object({
      name,
      type: z.literal("numeric"),
      impute: finite,
      rescale: z.discriminatedUnion("kind", [
        z.object({ kind: z.literal("none") }).strict(),
        z.object({ kind: z.literal("standard"), mean: finite, scale: finite }).strict(),
        z.object({ kind: z.literal("minmax"), scale: finite, offset: finite }).strict(),
      ]),
    })
    .strict(),
  z
    .object({
      name,
      type: z.literal("categorical"),
      impute: z.string(),
      levels: z.array(z.string()),
      /** A last column for the levels not kept (and for unseen ones at scoring time). */
      others: z.boolean(),
    })
    .strict(),
  PortableOrdinalSchema,
  PortableTargetSchema,
  PortableDateSchema,
  PortableTextSchema,
]);
export type PortableFeature = z.infer<typeof PortableFeatureSchema>;

/** Input columns the feature takes in the model's input vector. */
export function portableFeatureWidth(f: PortableFeature): number {
  if (f.type === "numeric") return 1;
  if (f.type === "categorical") return f.levels.length + (f.others ? 1 : 0);
  return extraFeatureWidth(f);
}

const TreeSchema = z
  .object({
    /** Per node; a leaf has left = right = -1. Go left when x[feature] <= threshold. */
    feature: z.array(z.number().int()),
    threshold: z.array(z.number()),
    left: z.array(z.number().int()),
    right: z.array(z.number().int()),
    /** Per node: class probabilities (classifier) or [value] (regression). */
    value: z.array(z.array(finite)),
  })
  .strict()
  .superRefine((t, ctx) => {
    const n = t.feature.length;
    if (n === 0 || [t.threshold, t.left, t.right, t.value].some((a) => a.length !== n))
      ctx.addIssue({ code: "custom", message: "a tree's node arrays must be non-empty and of one length" });
    for (let i = 0; i < n; i++) {
      const l = t.left[i] ?? -1;
      const r = t.right[i] ?? -1;
      // Children come after their parent (scikit-learn's depth-first order), so a walk ends.
      if ((l === -1) !== (r === -1) || (l !== -1 && (l <= i || r <= i || l >= n || r >= n)))
        return ctx.addIssue({ code: "custom", message: `node ${i} has invalid children` });
    }
  });

export const PortableModelSchema = z
  .object({
    format: z.literal("sous-portable-model"),
    version: z.literal(1),
    task: MlTaskSchema,
    classes: z.array(Label).nullable(),
    features: z.array(PortableFeatureSchema).min(1),
    model: z.discriminatedUnion("kind", [
      z
        .object({
          kind: z.literal("linear"),
          link: z.enum(["identity", "logistic", "softmax"]),
          coefficients: z.array(z.array(finite)).min(1),
          intercepts: z.array(finite).min(1),
        })
        .strict(),
      z
        .object({
          kind: z.literal("trees"),
          /** The input is rounded to float32 before each comparison, as scikit-learn does. */
          inputFloat32: z.boolean(),
          trees: z.array(TreeSchema).min(1),
        })
        .strict(),
      z
        .object({
          /**
           * Boosted trees: raw[k] = base[k] + weights[0] * leaf(tree 0) + weights[1] * leaf(tree 1)
           * + ..., added in tree order (as scikit-learn and MLlib add them), each tree adding to
           * raw[outputs[t]]; then the link: identity (regression), logistic on raw[0] (binary: the
           * probability of the second class) or softmax. MLlib's GBT probability is
           * 1 / (1 + exp(-2 margin)): its weights are stored doubled (exact in floating point).
           */
          kind: z.literal("boosted"),
          inputFloat32: z.boolean(),
          link: z.enum(["identity", "logistic", "softmax"]),
          base: z.array(finite).min(1),
          /** Leaf values are [value]. */
          trees: z.array(TreeSchema).min(1),
          weights: z.array(finite),
          outputs: z.array(z.number().int().min(0)),
        })
        .strict()
        .superRefine((m, ctx) => {
          if (m.weights.length !== m.trees.length || m.outputs.length !== m.trees.length)
            ctx.addIssue({
              code: "custom",
              message: "a boosted model has one weight and one output per tree",
            });
          if (m.outputs.some((k) => k >= m.base.length))
            ctx.addIssue({ code: "custom", message: "a tree adds to an output the model does not have" });
        }),
    ]),
  })
  .strict();
export type PortableModel = z.infer<typeof PortableModelSchema>;

const point = z.tuple([z.number(), z.number()]);

/** The data of a trained model's charts (python/sous_ml/charts.py writes it, bounded in size). */
export const ModelChartsSchema = z
  .object({
    /** [false positive rate, true positive rate], thinned. */
    roc: z.array(point).optional(),
    /** [recall, precision], thinned. */
    pr: z.array(point).optional(),
    /** Test rows per class in 100 score bins ((i/100, (i+1)/100], 0 in the first): positive at threshold i/100 is bins >= i. */
    scoreHistogram: z
      .object({ positives: z.array(z.number().int()), negatives: z.array(z.number().int()) })
      .strict()
      .optional(),
    calibration: z
      .array(z.object({ predicted: z.number(), observed: z.number(), count: z.number().int() }).strict())
      .optional(),
    /** Rows: true class, columns: predicted class, in the order of `classes`. */
    confusion: z.array(z.array(z.number().int())).optional(),
    /** [actual, predicted], at most 1,000 test rows. */
    scatter: z.array(point).optional(),
    residuals: z
      .object({ edges: z.array(z.number()), counts: z.array(z.number().int()) })
      .strict()
      .optional(),
    importances: z.array(z.object({ feature: z.string(), importance: z.number() }).strict()),
  })
  .strict();
export type ModelCharts = z.infer<typeof ModelChartsSchema>;
