import { rm } from "node:fs/promises";
import path from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { AppError, type CsvOptions, type DatasetSchema, type ImportOptions } from "@sous/contracts";
import { checkColumnNames } from "./column-checks.ts";
import { csvErrorRecord, describeCsvError, splitCsvRecord, splitCsvRecords } from "./csv-header.ts";
import { type CsvRecordLocation, locateCsvRecord } from "./csv-lines.ts";
import { decodeHead, detectFormat, detectImportOptions, looksBinary, readHead } from "./detect-import.ts";
import { jsonValueFor, sousTypeOfDuckDb } from "./duckdb-types.ts";
import { checkJsonDepth } from "./json-depth.ts";
import type { LocalEngine } from "./local-engine.ts";
import { duckIdent, duckString } from "./sql-literals.ts";
import { xlsxToNdjson } from "./xlsx-to-ndjson.ts";

export interface ImportResult {
  schema: DatasetSchema;
  rowCount: number;
  options: ImportOptions;
  sheets?: string[];
}

export interface ImportPreviewResult {
  options: ImportOptions;
  sheets?: string[];
  columns: DatasetSchema;
  rows: (string | number | boolean | null)[][];
}

/** What a reader is: a DuckDB table function over the file (or files), and how to clean up. */
interface Source {
  sql: (overrides: Map<string, string>) => string;
  options: ImportOptions;
  sheets?: string[];
  /** CSV names from the header, to re-read as text when DuckDB's error does not name a line. */
  csvNames?: string[];
  /** The sample holds a non-empty record after the header: an import of 0 rows is then wrong. */
  csvHasRows?: boolean;
  csv?: CsvOptions;
  files: string;
  cleanup: () => Promise<void>;
}

const MAX_TYPE_RETRIES = 50;

function csvReader(files: string, csv: CsvOptions, overrides: Map<string, string>, textOnly?: string[]) {
  const parts = [
    `header = ${csv.header}`,
    `skip = ${csv.skipLines}`,
    `delim = ${duckString(csv.delimiter)}`,
    `quote = ${duckString(csv.quote)}`,
    `escape = ${duckString(csv.escape)}`,
    `encoding = ${duckString(csv.encoding)}`,
    "strict_mode = true",
    "null_padding = false",
  ];
  if (textOnly) {
    parts.push("auto_detect = false");
    parts.push(`columns = {${textOnly.map((n) => `${duckString(n)}: 'VARCHAR'`).join(", ")}}`);
  } else {
    parts.push("sample_size = 20480");
    if (overrides.size)
      parts.push(
        `types = {${[...overrides].map(([k, v]) => `${duckString(k)}: ${duckString(v)}`).join(", ")}}`,
      );
  }
  return `read_csv(${files}, ${parts.join(", ")})`;
}

/**
 * The header of a CSV, after skipped lines, checked for empty and duplicate names, and whether
 * the first bytes hold a row after it.
 */
async function csvHeader(file: string, csv: CsvOptions): Promise<{ names?: string[]; hasRows: boolean }> {
  const head = await readHead(file);
  if (head.length === 0) throw new AppError("invalid_input", "The file is empty.");
  if (looksBinary(head, csv.encoding)) {
    throw new AppError(
      "unsupported_media_type",
      "This does not look like a CSV file: it contains binary data. Upload a text file with a header row, or a Parquet, JSON or .xlsx file.",
    );
  }
  // Records, as DuckDB reads them: a quoted header cell may hold a newline.
  const { records, lines } = splitCsvRecords(decodeHead(head, csv.encoding), csv.quote, [csv.delimiter]);
  const line = records[csv.skipLines];
  if (line === undefined || (records.length <= csv.skipLines + 1 && !line.trim()))
    throw new AppError("invalid_input", `The file has no line after the ${csv.skipLines} skipped lines.`);
  const hasRows = records.slice(csv.skipLines + (csv.header ? 1 : 0)).some((r) => r.trim() !== "");
  if (!csv.header) return { hasRows };
  const at = lines[csv.skipLines] ?? csv.skipLines + 1;
  if (!line.trim())
    throw new AppError(
      "invalid_input",
      `Line ${at} is empty: the file needs a header row there (or change the lines to skip).`,
    );
  const names = splitCsvRecord(line, csv.delimiter, csv.quote).map((n) => n.trim());
  checkColumnNames(names, `header (line ${at})`);
  return { names, hasRows };
}

async function openSource(
  file: string,
  opts: { options?: ImportOptions; fileName?: string; preview?: boolean; glob?: string },
): Promise<Source> {
  const options = opts.options ?? (await detectImportOptions(file, opts.fileName));
  const files = duckString(opts.glob ?? file);
  const none = async () => {};
  switch (options.format) {
    case "csv": {
      const { names: csvNames, hasRows } = await csvHeader(file, options.csv);
      return {
        sql: (o) => csvReader(files, options.csv, o),
        options,
        csvNames,
        csvHasRows: hasRows,
        csv: options.csv,
        files,
        cleanup: none,
      };
    }
    case "parquet":
      return { sql: () => `read_parquet(${files})`, options, files, cleanup: none };
    case "json":
      // DuckDB's reader recurses per level on a native stack: a deep file would crash the process.
      if (opts.glob)
        throw new AppError("invalid_input", "JSON is imported from a single file, not a folder.");
      await checkJsonDepth(file);
      return {
        sql: () =>
          `read_json(${files}, format = 'auto', records = true, sample_size = 20480, maximum_object_size = 16777216)`,
        options,
        files,
        cleanup: none,
      };
    case "xlsx": {
      const out = path.join(path.dirname(file), `${path.basename(file)}.${process.pid}.${Date.now()}.ndjson`);
      try {
        const conv = await xlsxToNdjson({
          file,
          out,
          sheet: options.sheet,
          maxRows: opts.preview ? 100 : undefined,
        });
        const cols = conv.columns.map((c) => `${duckString(c)}: 'VARCHAR'`).join(", ");
        // An empty sheet body still needs its columns: DuckDB cannot infer them from no rows.
        const reader =
          conv.rows === 0
            ? `read_json(${duckString(out)}, format = 'newline_delimited', columns = {${cols}})`
            : `read_json(${duckString(out)}, format = 'newline_delimited', records = true, sample_size = 20480)`;
        return {
          sql: () => reader,
          options: { format: "xlsx", sheet: conv.sheet },
          sheets: conv.sheets,
          files: duckString(out),
          cleanup: () => rm(out, { force: true }),
        };
      } catch (e) {
        await rm(out, { force: true });
        throw e;
      }
    }
  }
}

/** Columns Sous has no type for (nested JSON, TIME, INTERVAL...) are kept as text: JSON for nested values. */
function selectList(cols: { name: string; duck: string }[]): string {
  return cols
    .map((c) => {
      const id = duckIdent(c.name);
      if (sousTypeOfDuckDb(c.duck)) return id;
      const nested = /^(STRUCT|MAP|UNION)|\[\]$/.test(c.duck.toUpperCase());
      return nested ? `CAST(to_json(${id}) AS VARCHAR) AS ${id}` : `CAST(${id} AS VARCHAR) AS ${id}`;
    })
    .join(", ");
}

function friendly(source: Source, file: string, e: Error, at?: CsvRecordLocation): string {
  const msg = e.message.replaceAll(file, "the file").replaceAll(source.files.slice(1, -1), "the file");
  switch (source.options.format) {
    case "parquet":
      if (/magic bytes|too small|footer|not a parquet|Invalid Input Error: File/i.test(msg))
        return "The Parquet file is damaged or truncated (its footer is missing). Upload the complete file.";
      return `The Parquet file could not be read: ${msg.split("\n")[0]}`;
    case "json":
    case "xlsx": {
      const first = (msg.split("\n")[0] ?? msg).replace(/^[A-Za-z ]+Error: /, "");
      return `The ${source.options.format === "json" ? "JSON" : "Excel"} data could not be read: ${first}`;
    }
    case "csv":
      return `The CSV could not be read: ${describeCsvError(msg, at)}`;
  }
}

/** A CSV read as no rows while the file has lines after its header: the options are wrong. */
function checkNotSilentlyEmpty(source: Source, columns: number): void {
  if (!source.csvHasRows || !source.csv) return;
  const d = source.csv.delimiter === "\t" ? "tab" : `"${source.csv.delimiter}"`;
  throw new AppError(
    "invalid_input",
    `The CSV read as ${columns} column${columns === 1 ? "" : "s"} and no rows, but the file has lines after its header. Check the delimiter (${d}), the quote and the lines to skip, and upload again.`,
  );
}

/** Column name of a DuckDB "could not convert" error during a typed CSV read. */
function convertingColumn(message: string): string | null {
  return message.match(/Column (.+?) is being converted as type/)?.[1] ?? null;
}

async function describeSource(
  c: DuckDBConnection,
  source: Source,
  file: string,
  overrides: Map<string, string>,
) {
  const fail = async (e: Error): Promise<never> => {
    if (source.options.format === "csv" && source.csvNames && source.csv) {
      // Re-read with every column as text: DuckDB then reports the offending line.
      const strict = csvReader(source.files, source.csv, overrides, source.csvNames);
      const why = await c.runAndReadAll(`SELECT count(*) FROM ${strict}`).then(
        () => e,
        (e2: Error) => e2,
      );
      // DuckDB counts records, not lines: find the line the user sees (a single file only).
      const record = csvErrorRecord(why.message);
      const at =
        record !== null && source.files === duckString(file)
          ? await locateCsvRecord(file, record, source.csv).catch(() => null)
          : null;
      throw new AppError(
        "invalid_input",
        `${friendly(source, file, why, at ?? undefined)}. Fix the file and upload it again.`,
      );
    }
    throw new AppError("invalid_input", `${friendly(source, file, e)}. Fix the file and upload it again.`);
  };
  const d = await c.runAndReadAll(`DESCRIBE SELECT * FROM ${source.sql(overrides)}`).catch(fail);
  const cols = d
    .getRowObjectsJson()
    .map((r) => ({ name: String(r.column_name), duck: String(r.column_type) }));
  checkColumnNames(
    cols.map((x) => x.name),
    source.options.format === "csv" ? "header" : "column list",
  );
  return { cols, fail };
}

/** First rows of a file read with the given (or detected) options, for the import dialog. */
export async function previewImport(
  engine: LocalEngine,
  opts: { file: string; fileName?: string; options?: ImportOptions; limit?: number },
): Promise<ImportPreviewResult> {
  const source = await openSource(opts.file, { ...opts, preview: true });
  try {
    return await engine.withConnection(async (c) => {
      const { cols, fail } = await describeSource(c, source, opts.file, new Map());
      const r = await c
        .runAndReadAll(`SELECT ${selectList(cols)} FROM ${source.sql(new Map())} LIMIT ${opts.limit ?? 100}`)
        .catch(fail);
      if (r.currentRowCount === 0) checkNotSilentlyEmpty(source, cols.length);
      const types = r.columnTypes().map(String);
      return {
        options: source.options,
        ...(source.sheets ? { sheets: source.sheets } : {}),
        columns: cols.map((x) => ({ name: x.name, type: sousTypeOfDuckDb(x.duck) ?? "string" })),
        rows: r.getRowsJson().map((row) => row.map((v, i) => jsonValueFor(types[i] ?? "", v))),
      };
    });
  } finally {
    await source.cleanup();
  }
}

/**
 * Converts a file (or, with `glob`, every file it matches) into `<outDir>/part-0.parquet`,
 * inferring types. A CSV column whose inferred type a later row contradicts is read as text
 * instead of failing the import. Every problem with the data is an AppError that names the line
 * or part; the caller removes `outDir` when this throws.
 */
export async function importToParquet(
  engine: LocalEngine,
  opts: {
    file: string;
    outDir: string;
    fileName?: string;
    options?: ImportOptions;
    glob?: string;
    signal?: AbortSignal;
  },
): Promise<ImportResult> {
  const source = await openSource(opts.file, opts);
  try {
    return await engine.withConnection(async (c) => {
      const overrides = new Map<string, string>();
      const target = duckString(path.join(opts.outDir, "part-0.parquet"));
      for (let attempt = 0; ; attempt++) {
        const { cols, fail } = await describeSource(c, source, opts.file, overrides);
        let written: Awaited<ReturnType<DuckDBConnection["runAndReadAll"]>>;
        try {
          written = await c.runAndReadAll(
            `COPY (SELECT ${selectList(cols)} FROM ${source.sql(overrides)}) TO ${target} (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 122880)`,
          );
        } catch (e) {
          if (opts.signal?.aborted) throw e;
          const col = source.options.format === "csv" ? convertingColumn((e as Error).message) : null;
          if (col && !overrides.has(col) && attempt < MAX_TYPE_RETRIES) {
            overrides.set(col, "VARCHAR");
            continue;
          }
          return fail(e as Error);
        }
        const rowCount = Number(written.getRows()[0]?.[0] ?? 0);
        if (rowCount === 0) checkNotSilentlyEmpty(source, cols.length);
        return {
          schema: cols.map((x) => ({ name: x.name, type: sousTypeOfDuckDb(x.duck) ?? "string" })),
          rowCount,
          options: source.options,
          ...(source.sheets ? { sheets: source.sheets } : {}),
        };
      }
    }, opts.signal);
  } finally {
    await source.cleanup();
  }
}

export { detectFormat };
