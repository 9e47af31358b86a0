export { castColumns } from "./cast-columns.ts";
export {
  type ColumnStatsResult,
  computeColumnStats,
  computeColumnStatsScoped,
  STATS_FULL_SCAN_MAX,
} from "./column-stats.ts";
export { splitCsvRecord } from "./csv-header.ts";
export { defaultCsvOptions, sniffCsvOptions } from "./csv-sniff.ts";
export { detectFormat, readHead } from "./detect-import.ts";
export { jsonValueFor, previewCellFor, sousTypeOfDuckDb, trimDecimalText } from "./duckdb-types.ts";
export { exportDataset } from "./export-dataset.ts";
export { type CsvImportResult, importCsvToParquet } from "./import-csv.ts";
export {
  detectImportOptions,
  type ImportPreviewResult,
  type ImportResult,
  importCsvStream,
  importToParquet,
  previewImport,
} from "./import-file.ts";
export {
  IMPORT_STATEMENT_TIMEOUT_MS,
  importPostgres,
  type PostgresSource,
  postgresTableRef,
} from "./import-postgres.ts";
export {
  duckIdent,
  duckString,
  LocalEngine,
  type LocalEngineOptions,
  type PreviewResult,
  QueryCancelledError,
  type QueryProgressReader,
  type SandboxOptions,
} from "./local-engine.ts";
export {
  CATALOG_STATEMENT_TIMEOUT_MS,
  listPostgresTables,
  TABLE_LIST_LIMIT,
  testPostgresConnection,
} from "./postgres-catalog.ts";
export { singleReadingStatement } from "./postgres-sql.ts";
export type { Meaning } from "./quality-sql.ts";
export { type CappedRows, queryCapped } from "./query-capped.ts";
export {
  querySample,
  querySampleJson,
  querySamplePositions,
  type SampleQueryOptions,
  type SampleRows,
  sampleRowJson,
} from "./query-sample.ts";
export { sampleSql } from "./sample-sql.ts";
export { writeSample } from "./sampling.ts";
export { STREAM_HEAD_MAX_BYTES, StreamHead } from "./stream-head.ts";
export { targetCorrelations } from "./target-correlations.ts";
