export * from "./contracts.ts";
export { featureVector, type Row, type Score, scorePortable } from "./score.ts";
