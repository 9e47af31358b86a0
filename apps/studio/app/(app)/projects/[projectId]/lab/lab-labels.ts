import type { Algorithm, ClusterAlgorithmKind, Metric, MlTask } from "@sous/ml";

// Names the Lab shows for tasks, algorithms and metrics; typed records, so a new one must be named.

export const TASK_LABEL: Record<MlTask, string> = {
  binary: "Two classes",
  multiclass: "Several classes",
  regression: "A number",
};

// Clustering algorithms too: a saved model's active version may be a clustering.
export const ALGORITHM_LABEL: Record<Algorithm["algorithm"] | ClusterAlgorithmKind, string> = {
  logistic: "Logistic regression",
  linear: "Linear regression (ridge)",
  decisionTree: "Decision tree",
  randomForest: "Random forest",
  gbt: "Gradient boosted trees",
  xgboost: "XGBoost",
  kmeans: "k-means",
  gaussianMixture: "Gaussian mixture",
  bisectingKmeans: "Bisecting k-means",
};

export const METRIC_LABEL: Record<Metric, string> = {
  auc: "AUC",
  accuracy: "Accuracy",
  f1: "F1",
  precision: "Precision",
  recall: "Recall",
  lift: "Lift @10%",
  logLoss: "Log loss",
  macroF1: "Macro F1",
  r2: "R²",
  rmse: "RMSE",
  mae: "MAE",
  mape: "MAPE",
};

export function formatMetric(metric: Metric, value: number | undefined): string {
  if (value === undefined) return "–";
  if (metric === "mape") return `${(value * 100).toFixed(1)} %`;
  return Math.abs(value) >= 1000 ? value.toExponential(3) : value.toFixed(4);
}
