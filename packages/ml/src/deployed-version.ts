import { type ClusterModel, deployedClusterAlgorithm } from "./clustering.ts";
import type { TrainResult } from "./contracts.ts";

type TrainedResult = Extract<TrainResult, { ok: true }>;

/**
 * What a saved model version stores of a trained prediction model (as the Lab's "Deploy" and a
 * retrain deploy it): its task, algorithm, metrics and classes, and its artifacts' storage keys
 * under the training's prefix.
 */
export function predictionVersionFields(
  artifactsPrefix: string,
  result: TrainedResult,
  model: TrainedResult["models"][number],
) {
  return {
    task: result.task,
    algorithm: model.algorithm,
    metrics: model.metrics,
    classes: result.classes ?? undefined,
    // XGBoost has no portable form: it scores through its pickle.
    portableKey: model.portable ? `${artifactsPrefix}${model.portable}` : null,
    artifactKey: `${artifactsPrefix}${model.pickle}`,
  };
}

/** What a saved model version stores of a clustering's model (its silhouette as metric). */
export function clusterVersionFields(artifactsPrefix: string, model: ClusterModel) {
  return {
    task: "clustering" as const,
    // The k the search kept, not the grid it tried: the version is one fitted model.
    algorithm: deployedClusterAlgorithm(model),
    metrics: model.metrics,
    // k-means and bisecting k-means score in SQL; a Gaussian mixture through its pickle.
    portableKey: model.portable ? `${artifactsPrefix}${model.portable}` : null,
    artifactKey: `${artifactsPrefix}${model.pickle}`,
  };
}
