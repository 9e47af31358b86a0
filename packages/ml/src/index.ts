export * from "./api.ts";
export * from "./clustering.ts";
export * from "./contracts.ts";
export { clusterVersionFields, predictionVersionFields } from "./deployed-version.ts";
export * from "./design.ts";
export {
  ALGORITHM_SUPPORT,
  type AlgorithmKind,
  type EngineRemark,
  engineNotes,
  engineProblems,
  MLLIB_MAX_DEPTH,
  OPTION_SUPPORT,
  type TrainEngine,
  type TrainOption,
} from "./engine-support.ts";
export * from "./feature-handling/schemas.ts";
export * from "./feature-handling/support.ts";
export { type MllibClusterRequest, mllibClusterScript } from "./mllib-cluster-script.ts";
export { type MllibScriptPaths, type MllibTrainRequest, mllibTrainScript } from "./mllib-script.ts";
export {
  type BatchScorer,
  compileBatchScorer,
  compileScorer,
  featureVector,
  type Row,
  type Score,
  type Scorer,
  scoreManyPortable,
  scorePortable,
} from "./score.ts";
export * from "./suggest.ts";
export * from "./threshold.ts";
