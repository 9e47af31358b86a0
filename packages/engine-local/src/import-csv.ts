import type { CsvOptions, DatasetSchema } from "@sous/contracts";
import { detectCsvOptions, readHead } from "./detect-import.ts";
import { importToParquet } from "./import-file.ts";
import type { LocalEngine } from "./local-engine.ts";

export interface CsvImportResult {
  schema: DatasetSchema;
  rowCount: number;
  dialect: CsvOptions;
}

/** Converts a file known to be CSV into `<outDir>/part-0.parquet`, dialect detected unless given (see importToParquet). */
export async function importCsvToParquet(
  engine: LocalEngine,
  opts: { file: string; outDir: string; csv?: CsvOptions; signal?: AbortSignal },
): Promise<CsvImportResult> {
  const csv = opts.csv ?? detectCsvOptions(await readHead(opts.file));
  const r = await importToParquet(engine, { ...opts, options: { format: "csv", csv } });
  return { schema: r.schema, rowCount: r.rowCount, dialect: csv };
}
