export { splitCsvRecord } from "./csv-header.ts";
export { jsonValueFor, sousTypeOfDuckDb } from "./duckdb-types.ts";
export { type CsvImportResult, importCsvToParquet } from "./import-csv.ts";
export {
  duckIdent,
  duckString,
  LocalEngine,
  type LocalEngineOptions,
  type PreviewResult,
  QueryCancelledError,
} from "./local-engine.ts";
