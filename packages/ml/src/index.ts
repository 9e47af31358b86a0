export * from "./api.ts";
export * from "./contracts.ts";
export * from "./design.ts";
export {
  ALGORITHM_SUPPORT,
  type AlgorithmKind,
  type EngineRemark,
  engineNotes,
  engineProblems,
  MLLIB_MAX_DEPTH,
  type TrainEngine,
} from "./engine-support.ts";
export { type MllibScriptPaths, type MllibTrainRequest, mllibTrainScript } from "./mllib-script.ts";
export { featureVector, type Row, type Score, scorePortable } from "./score.ts";
export * from "./suggest.ts";
export * from "./threshold.ts";
