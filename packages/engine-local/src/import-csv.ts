import { open } from "node:fs/promises";
import path from "node:path";
import { AppError, type DatasetSchema } from "@sous/contracts";
import { describeCsvError, detectDelimiter, headerProblems, splitCsvRecord } from "./csv-header.ts";
import { sousTypeOfDuckDb } from "./duckdb-types.ts";
import type { LocalEngine } from "./local-engine.ts";
import { sniffText } from "./sniff-text.ts";
import { duckIdent, duckString } from "./sql-literals.ts";

const SNIFF_BYTES = 64 * 1024;

export interface CsvImportResult {
  schema: DatasetSchema;
  rowCount: number;
  dialect: { delimiter: string; quote: string; escape: string };
}

/**
 * Converts an uploaded CSV file into `<outDir>/part-0.parquet`, inferring types.
 * Every problem with the file is an AppError whose message says what is wrong with it;
 * the caller removes `outDir` when this throws.
 */
export async function importCsvToParquet(
  engine: LocalEngine,
  opts: { file: string; outDir: string; signal?: AbortSignal },
): Promise<CsvImportResult> {
  const fh = await open(opts.file, "r");
  const head = Buffer.alloc(SNIFF_BYTES);
  const { bytesRead } = await fh.read(head, 0, SNIFF_BYTES, 0);
  await fh.close();
  const sniff = sniffText(head.subarray(0, bytesRead));
  if (!sniff.ok && sniff.reason === "empty") throw new AppError("invalid_input", "The file is empty.");
  if (!sniff.ok) {
    throw new AppError(
      "unsupported_media_type",
      "This does not look like a CSV file: it contains binary data. Upload a UTF-8 text file with a header row.",
    );
  }
  const firstLine = sniff.text.split(/\r?\n/, 1)[0] ?? "";
  if (!firstLine.trim())
    throw new AppError("invalid_input", "The first line is empty: the file needs a header row.");

  const quote = '"';
  const delimiter = detectDelimiter(firstLine, quote);
  const names = splitCsvRecord(firstLine, delimiter, quote);
  const { duplicates, emptyPositions } = headerProblems(names);
  if (duplicates.length) {
    throw new AppError(
      "invalid_input",
      `Duplicate column names in the header: ${duplicates.join(", ")}. Column names must be unique (ignoring case); rename them and upload again.`,
      { details: { duplicates } },
    );
  }
  if (emptyPositions.length) {
    throw new AppError(
      "invalid_input",
      `Empty column name in the header at position ${emptyPositions.join(", ")}. Give every column a name and upload again.`,
    );
  }

  const fileLit = duckString(opts.file);
  // skip = 0: DuckDB's sniffer would otherwise silently skip leading lines that look inconsistent.
  const options = `header = true, skip = 0, delim = ${duckString(delimiter)}, quote = ${duckString(quote)}, escape = ${duckString(quote)}, strict_mode = true`;
  const reader = `read_csv(${fileLit}, ${options}, sample_size = 20480)`;

  return engine.withConnection(async (c) => {
    // On failure, re-read with every column as text: DuckDB then reports the offending line.
    const explain = async (e: Error): Promise<never> => {
      const columns = names.map((n) => `${duckString(n.trim())}: 'VARCHAR'`).join(", ");
      const strict = `read_csv(${fileLit}, ${options}, auto_detect = false, columns = {${columns}})`;
      const why = await c.runAndReadAll(`SELECT count(*) FROM ${strict}`).then(
        () => e.message,
        (e2: Error) => e2.message,
      );
      throw new AppError(
        "invalid_input",
        `The CSV could not be read: ${describeCsvError(why.replaceAll(opts.file, "the file"))}. Fix the file and upload it again.`,
      );
    };
    const described = await c.runAndReadAll(`DESCRIBE SELECT * FROM ${reader}`).catch(explain);
    const cols = described
      .getRowObjectsJson()
      .map((r) => ({ name: String(r.column_name), duck: String(r.column_type) }));
    // Types Sous has no name for (TIME, INTERVAL...) are stored as text so the schema stays honest.
    const select = cols
      .map((col) =>
        sousTypeOfDuckDb(col.duck)
          ? duckIdent(col.name)
          : `CAST(${duckIdent(col.name)} AS VARCHAR) AS ${duckIdent(col.name)}`,
      )
      .join(", ");
    const target = duckString(path.join(opts.outDir, "part-0.parquet"));
    const written = await c
      .runAndReadAll(
        `COPY (SELECT ${select} FROM ${reader}) TO ${target} (FORMAT parquet, COMPRESSION snappy)`,
      )
      .catch(explain);
    return {
      schema: cols.map((col) => ({ name: col.name, type: sousTypeOfDuckDb(col.duck) ?? "string" })),
      rowCount: Number(written.getRows()[0]?.[0] ?? 0),
      dialect: { delimiter, quote, escape: quote },
    };
  }, opts.signal);
}
