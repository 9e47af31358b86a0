import type { Algorithm, MlTask, TrainRequest } from "./contracts.ts";
import { FEATURE_SUPPORT, featureHandling } from "./feature-handling/support.ts";

// What each training engine does with a design, so the Lab says it before training (as prepare
// steps do for Spark): `problems` stop the training on that engine, `notes` say where the engine
// trains differently from the other one. Local is scikit-learn (python/sous_ml/train.py);
// Databricks is Spark MLlib (mllibTrainScript).

export type TrainEngine = "local" | "databricks";
export type AlgorithmKind = Algorithm["algorithm"];

export interface EngineRemark {
  /** The design field it is about, e.g. "algorithms.1" or "validation". */
  path: string;
  message: string;
}

/** MLlib's trees go at most this deep; an unlimited depth (null) trains with it. */
export const MLLIB_MAX_DEPTH = 30;

/** Per algorithm and engine: available or not, and how it maps onto the engine. */
export const ALGORITHM_SUPPORT: Record<
  AlgorithmKind,
  Record<TrainEngine, { available: boolean; tasks: readonly MlTask[]; note: string }>
> = {
  logistic: {
    local: {
      available: true,
      tasks: ["binary", "multiclass"],
      note: "scikit-learn LogisticRegression (lbfgs)",
    },
    databricks: {
      available: true,
      tasks: ["binary", "multiclass"],
      note: "MLlib LogisticRegression; C becomes regParam = 1 / (C x training rows), unstandardised: the same L2 penalty",
    },
  },
  linear: {
    local: { available: true, tasks: ["regression"], note: "scikit-learn Ridge" },
    databricks: {
      available: true,
      tasks: ["regression"],
      note: "MLlib LinearRegression; alpha becomes regParam = alpha / training rows, unstandardised",
    },
  },
  decisionTree: {
    local: {
      available: true,
      tasks: ["binary", "multiclass", "regression"],
      note: "scikit-learn DecisionTree (exact splits)",
    },
    databricks: {
      available: true,
      tasks: ["binary", "multiclass", "regression"],
      note: `MLlib DecisionTree: splits among 32 bins per feature, depth at most ${MLLIB_MAX_DEPTH}`,
    },
  },
  randomForest: {
    local: {
      available: true,
      tasks: ["binary", "multiclass", "regression"],
      note: "scikit-learn RandomForest (bootstrap; sqrt(features) per split for classes, all for numbers)",
    },
    databricks: {
      available: true,
      tasks: ["binary", "multiclass", "regression"],
      note: `MLlib RandomForest (same feature subsets; 32 bins per feature, depth at most ${MLLIB_MAX_DEPTH})`,
    },
  },
  gbt: {
    local: {
      available: true,
      tasks: ["binary", "multiclass", "regression"],
      note: "scikit-learn GradientBoosting (log loss for classes, squared error for numbers)",
    },
    databricks: {
      available: true,
      // MLlib's GBTClassifier is binary only.
      tasks: ["binary", "regression"],
      note: "MLlib GBT (binary and regression only; starts from 0, not from the class prior or the mean; 32 bins per feature)",
    },
  },
  xgboost: {
    local: {
      available: true,
      tasks: ["binary", "multiclass", "regression"],
      note: "XGBoost (hist, CPU); scores through Python only (no SQL form)",
    },
    databricks: {
      available: false,
      tasks: [],
      note: "XGBoost is not offered on Databricks: train it locally, or use gradient boosted trees (MLlib GBT)",
    },
  },
};

/** The training options besides the algorithms: the design field, and how each engine does it. */
export type TrainOption =
  | "validation.random_split"
  | "validation.time_split"
  | "validation.kfold"
  | "search.grid"
  | "search.random"
  | "classWeights.balanced";

/**
 * Every option trains on both engines today (MLlib by the script's own loops, so the folds refit
 * the feature handling per fold as scikit-learn's pipeline does); an option one engine lacks is
 * marked unavailable here and engineProblems refuses it before training.
 */
export const OPTION_SUPPORT: Record<
  TrainOption,
  Record<TrainEngine, { available: boolean; note: string }>
> = {
  "validation.random_split": {
    local: { available: true, note: "scikit-learn train_test_split" },
    databricks: {
      available: true,
      note: "MLlib splits with its own seeded randomSplit: the same ratio, but not the same test rows as a local training, so metrics differ a little.",
    },
  },
  "validation.time_split": {
    local: { available: true, note: "the latest rows by the column are the test rows" },
    databricks: {
      available: true,
      note: "The time split numbers the rows in the column's order in one Spark partition (the same test rows as locally; slow beyond a few million rows).",
    },
  },
  "validation.kfold": {
    local: { available: true, note: "scikit-learn KFold (shuffled, seeded)" },
    databricks: {
      available: true,
      note: "MLlib's folds are drawn with Spark's seeded rand(), as CrossValidator draws them: not the same folds as locally, so metrics differ a little.",
    },
  },
  "search.grid": {
    local: { available: true, note: "every combination" },
    databricks: { available: true, note: "every combination" },
  },
  "search.random": {
    local: { available: true, note: "the same seeded draw of combinations on both engines" },
    databricks: { available: true, note: "the same seeded draw of combinations on both engines" },
  },
  "classWeights.balanced": {
    local: { available: true, note: "scikit-learn sample weights n / (classes x class rows)" },
    databricks: { available: true, note: "MLlib weightCol with the same weights" },
  },
};

type Design = Pick<TrainRequest, "task" | "algorithms"> &
  Partial<Pick<TrainRequest, "validation" | "search" | "classWeights">> & {
    features?: readonly (TrainRequest["features"][number] & { include?: boolean })[];
  };

/** The options the design uses, with the field each is about. */
function optionsOf(design: Design): { option: TrainOption; path: string }[] {
  const out: { option: TrainOption; path: string }[] = [
    { option: `validation.${design.validation?.kind ?? "random_split"}`, path: "validation" },
  ];
  if (design.algorithms.some((a) => a.grid && Object.keys(a.grid).length > 0))
    out.push({ option: `search.${design.search?.kind ?? "grid"}`, path: "search" });
  if (design.classWeights === "balanced") out.push({ option: "classWeights.balanced", path: "classWeights" });
  return out;
}

/** What stops the design from training on the engine; empty when it can train there. */
export function engineProblems(design: Design, engine: TrainEngine): EngineRemark[] {
  const problems: EngineRemark[] = [];
  for (const { option, path } of optionsOf(design))
    if (!OPTION_SUPPORT[option][engine].available)
      problems.push({ path, message: `${option} is not available on ${engineName(engine)}.` });
  for (const f of design.features ?? [])
    if (f.include !== false && !FEATURE_SUPPORT[featureHandling(f)][engine].available)
      problems.push({
        path: "features",
        message: `${f.name}: ${FEATURE_SUPPORT[featureHandling(f)][engine].note}`,
      });
  for (const [i, a] of design.algorithms.entries()) {
    const support = ALGORITHM_SUPPORT[a.algorithm][engine];
    if (!support.available || !support.tasks.includes(design.task))
      problems.push({
        path: `algorithms.${i}`,
        message: support.available
          ? `${a.algorithm} does not train a ${design.task} model on ${engineName(engine)}.`
          : `${a.algorithm}: ${support.note}.`,
      });
  }
  return problems;
}

/** Where the engine trains the design differently (not a problem: training goes on). */
export function engineNotes(design: Design, engine: TrainEngine): EngineRemark[] {
  if (engine === "local") return [];
  const notes: EngineRemark[] = [
    {
      path: "validation",
      message: OPTION_SUPPORT[`validation.${design.validation?.kind ?? "random_split"}`].databricks.note,
    },
  ];
  for (const [i, a] of design.algorithms.entries()) {
    if (
      (a.algorithm === "decisionTree" || a.algorithm === "randomForest") &&
      (a.maxDepth ?? 99) > MLLIB_MAX_DEPTH
    )
      notes.push({
        path: `algorithms.${i}.maxDepth`,
        message: `MLlib trees go at most ${MLLIB_MAX_DEPTH} levels deep: ${a.maxDepth === null ? "unlimited depth" : `depth ${a.maxDepth}`} trains with ${MLLIB_MAX_DEPTH}.`,
      });
    if (a.algorithm === "logistic" || a.algorithm === "linear" || a.algorithm === "gbt")
      notes.push({ path: `algorithms.${i}`, message: ALGORITHM_SUPPORT[a.algorithm].databricks.note });
  }
  return notes;
}

const engineName = (engine: TrainEngine) =>
  engine === "local" ? "the local engine (scikit-learn)" : "Databricks (Spark MLlib)";
