export * from "./contracts.ts";
export * from "./design.ts";
export { featureVector, type Row, type Score, scorePortable } from "./score.ts";
export * from "./suggest.ts";
