import type { CsvOptions, DatasetSchema } from "@sous/contracts";
import { sniffCsvOptions } from "./csv-sniff.ts";
import { readHead } from "./detect-import.ts";
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
  // The caller knows it is CSV: the dialect is sniffed, the format is not.
  const csv =
    opts.csv ??
    (await engine.withConnection(async (c) => sniffCsvOptions(c, opts.file, await readHead(opts.file))));
  const r = await importToParquet(engine, { ...opts, options: { format: "csv", csv } });
  if (r.options.format !== "csv") throw new Error(`expected a CSV, read ${r.options.format}`);
  return { schema: r.schema, rowCount: r.rowCount, dialect: r.options.csv };
}
