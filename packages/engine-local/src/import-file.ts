import { open, rm, stat } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import type { DuckDBConnection } from "@duckdb/node-api";
import {
  AppError,
  type ColumnType,
  type CsvOptions,
  type DatasetSchema,
  type ImportOptions,
  type SkippedLines,
} from "@sous/contracts";
import { checkColumnNames } from "./column-checks.ts";
import { csvErrorRecord, describeCsvError, splitCsvRecord, splitCsvRecords } from "./csv-header.ts";
import { type CsvRecordLocation, csvRecordLines, locateCsvRecord } from "./csv-lines.ts";
import { CsvSegmentFiles } from "./csv-segment-files.ts";
import { SNIFF_SAMPLE_ROWS, sniffCsvOptions } from "./csv-sniff.ts";
import { decodeHead, detectFormat, looksBinary, readHead } from "./detect-import.ts";
import { DUCK_TYPE_OF, previewCellFor, sousTypeOfDuckDb } from "./duckdb-types.ts";
import { checkJsonDepth } from "./json-depth.ts";
import type { LocalEngine } from "./local-engine.ts";
import { duckIdent, duckString } from "./sql-literals.ts";
import { xlsxToNdjson } from "./xlsx-to-ndjson.ts";

export interface ImportResult {
  schema: DatasetSchema;
  rowCount: number;
  options: ImportOptions;
  sheets?: string[];
  /** With skipBadLines: how many lines were left out, and the first few. */
  skippedLines?: SkippedLines;
}

export interface ImportPreviewResult {
  options: ImportOptions;
  sheets?: string[];
  columns: DatasetSchema;
  rows: (string | number | boolean | null)[][];
  skippedLines?: SkippedLines;
}

/** What a reader is: a DuckDB table function over the file (or files), and how to clean up. */
interface Source {
  sql: (overrides: Map<string, string>, rejects?: RejectTables) => string;
  options: ImportOptions;
  sheets?: string[];
  /** CSV: how many fields a record has, to re-read as text when DuckDB's error does not name a line. */
  csvFields?: number;
  /** CSV names from the header (the trailing empty one dropped), checked unless the options rename. */
  csvNames?: string[];
  /** The sample holds a non-empty record after the header: an import of 0 rows is then wrong. */
  csvHasRows?: boolean;
  csv?: CsvOptions;
  /** The files read, as a DuckDB literal (one file, or a list). */
  files: string;
  paths: string[];
  cleanup: () => Promise<void>;
}

/** DuckDB's tables of rejected lines for one read (skip bad lines); temporary, per connection. */
interface RejectTables {
  errors: string;
  scans: string;
}

const MAX_TYPE_RETRIES = 50;
/** Lines reported by number; the count covers all. */
const SKIPPED_LINES_SHOWN = 5;
/** A preview with skip bad lines counts them over the whole file up to this size (one more scan). */
const PREVIEW_COUNT_MAX_BYTES = 64 * 1024 * 1024;

/** A read with every column and format already known (a stream has no second look): nothing is sniffed. */
export interface FixedColumns {
  columns: { name: string; duck: string }[];
  dateFormat?: string;
  timestampFormat?: string;
}

function csvReader(
  files: string,
  csv: CsvOptions,
  overrides: Map<string, string>,
  opts: { textOnlyFields?: number; rejects?: RejectTables; fixed?: FixedColumns } = {},
) {
  return `read_csv(${files}, ${csvArgs(csv, overrides, opts).join(", ")})`;
}

/** read_csv's named arguments for a dialect (sniff_csv takes the same). */
function csvArgs(
  csv: CsvOptions,
  overrides: Map<string, string>,
  opts: { textOnlyFields?: number; rejects?: RejectTables; fixed?: FixedColumns } = {},
): string[] {
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
  if (csv.decimalSeparator === ",") parts.push("decimal_separator = ','");
  if (opts.textOnlyFields !== undefined) {
    parts.push("auto_detect = false");
    const cols = Array.from({ length: opts.textOnlyFields }, (_, i) => `'column${i}': 'VARCHAR'`);
    parts.push(`columns = {${cols.join(", ")}}`);
  } else if (opts.fixed) {
    parts.push("auto_detect = false");
    const cols = opts.fixed.columns.map((c) => `${duckString(c.name)}: ${duckString(c.duck)}`);
    parts.push(`columns = {${cols.join(", ")}}`);
    if (opts.fixed.dateFormat) parts.push(`dateformat = ${duckString(opts.fixed.dateFormat)}`);
    if (opts.fixed.timestampFormat) parts.push(`timestampformat = ${duckString(opts.fixed.timestampFormat)}`);
  } else {
    parts.push(`sample_size = ${SNIFF_SAMPLE_ROWS}`);
    if (overrides.size)
      parts.push(
        `types = {${[...overrides].map(([k, v]) => `${duckString(k)}: ${duckString(v)}`).join(", ")}}`,
      );
  }
  // The text-only re-read looks for the first bad line: it must not skip it.
  if (csv.skipBadLines && opts.textOnlyFields === undefined) {
    parts.push("ignore_errors = true");
    if (opts.rejects) {
      parts.push("store_rejects = true");
      parts.push(`rejects_table = ${duckString(opts.rejects.errors)}`);
      parts.push(`rejects_scan = ${duckString(opts.rejects.scans)}`);
    }
  }
  return parts;
}

/**
 * The first record of a CSV, after skipped lines: its field count, and the names when it is a
 * header (checked for empty and duplicate names unless the options rename every column), and
 * whether the first bytes hold a row after it.
 */
async function csvHeader(
  file: string,
  csv: CsvOptions,
): Promise<{ names?: string[]; fields: number; hasRows: boolean }> {
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
  const at = lines[csv.skipLines] ?? csv.skipLines + 1;
  const fields = splitCsvRecord(line, csv.delimiter, csv.quote);
  if (!csv.header) return { fields: fields.length, hasRows };
  if (!line.trim())
    throw new AppError(
      "invalid_input",
      `Line ${at} is empty: the file needs a header row there (or change the lines to skip).`,
    );
  const names = fields.map((n) => n.trim());
  if (csv.trailingDelimiter && names.length > 1 && names[names.length - 1] === "") names.pop();
  if (!csv.columns?.some((c) => c.name)) checkColumnNames(names, `header (line ${at})`);
  return { names, fields: fields.length, hasRows };
}

async function openSource(
  c: DuckDBConnection,
  file: string,
  opts: {
    options?: ImportOptions;
    fileName?: string;
    preview?: boolean;
    files?: string[];
    scratchDir?: string;
  },
): Promise<Source> {
  const options = opts.options ?? (await detectImportOptions(c, file, opts.fileName, opts.scratchDir));
  const paths = opts.files ?? [file];
  const files = opts.files ? `[${opts.files.map(duckString).join(", ")}]` : duckString(file);
  const none = async () => {};
  switch (options.format) {
    case "csv": {
      const { names: csvNames, fields, hasRows } = await csvHeader(file, options.csv);
      return {
        sql: (o, rejects) => csvReader(files, options.csv, o, { rejects }),
        options,
        csvFields: fields,
        csvNames,
        csvHasRows: hasRows,
        csv: options.csv,
        files,
        paths,
        cleanup: none,
      };
    }
    case "parquet":
      return { sql: () => `read_parquet(${files})`, options, files, paths, cleanup: none };
    case "json":
      // DuckDB's reader recurses per level on a native stack: a deep file would crash the process.
      if (opts.files)
        throw new AppError("invalid_input", "JSON is imported from a single file, not a folder.");
      await checkJsonDepth(file);
      return {
        sql: () =>
          `read_json(${files}, format = 'auto', records = true, sample_size = 20480, maximum_object_size = 16777216)`,
        options,
        files,
        paths,
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
          paths: [out],
          cleanup: () => rm(out, { force: true }),
        };
      } catch (e) {
        await rm(out, { force: true });
        throw e;
      }
    }
  }
}

/** Detected import options for a file: its format, and for CSV the dialect DuckDB's sniffer finds. */
export async function detectImportOptions(
  c: DuckDBConnection,
  file: string,
  fileName = "",
  /** Where the sniffer may write a copy of the start of a large file; next to it by default. */
  scratchDir?: string,
): Promise<ImportOptions> {
  const head = await readHead(file);
  const format = detectFormat(head, fileName);
  if (format === "csv") return { format, csv: await sniffCsvOptions(c, file, head, scratchDir) };
  return { format };
}

/** A column as read (DuckDB's name and type) and as written (the user's name, a chosen type). */
interface ReadColumn {
  name: string;
  duck: string;
  as: string;
  chosen?: ColumnType;
}

/**
 * The select list: each column under its name (the user's, or col_N without a header); columns
 * Sous has no type for (nested JSON, TIME, INTERVAL...) are kept as text, JSON for nested values.
 */
function selectList(cols: ReadColumn[]): string {
  return cols
    .map((c) => {
      const id = duckIdent(c.name);
      const as = duckIdent(c.as);
      if (sousTypeOfDuckDb(c.duck)) return c.name === c.as ? id : `${id} AS ${as}`;
      const nested = /^(STRUCT|MAP|UNION)|\[\]$/.test(c.duck.toUpperCase());
      return nested ? `CAST(to_json(${id}) AS VARCHAR) AS ${as}` : `CAST(${id} AS VARCHAR) AS ${as}`;
    })
    .join(", ");
}

const TRAILING_NOT_EMPTY =
  'A line has a value after its last delimiter, so not every line ends with the delimiter. Turn off "Lines end with the delimiter" and read the file again.';

/** Dropping the trailing delimiter's column is right only while it is empty on every line: checked in the same scan. */
function trailingGuard(dropped: string | undefined): string {
  if (!dropped) return "";
  return ` WHERE CASE WHEN coalesce(CAST(${duckIdent(dropped)} AS VARCHAR), '') = '' THEN true ELSE error(${duckString(TRAILING_NOT_EMPTY)}) END`;
}

function friendly(source: Source, file: string, e: Error, at?: CsvRecordLocation): string {
  let msg = e.message.replaceAll(file, "the file");
  for (const p of source.paths) msg = msg.replaceAll(p, "the file");
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
    case "csv": {
      if (msg.includes(TRAILING_NOT_EMPTY)) return `The CSV could not be read: ${TRAILING_NOT_EMPTY}`;
      const described = describeCsvError(msg, at);
      // A line that does not fit can be left out instead: say so where the file is otherwise fine.
      const hint =
        csvErrorRecord(msg) !== null && !source.options.csv.skipBadLines
          ? `, or turn on "Skip bad lines" to import the file without such lines`
          : "";
      return `The CSV could not be read: ${described}${hint}`;
    }
  }
}

/** A CSV read as no rows while the file has lines after its header: the options are wrong. */
function checkNotSilentlyEmpty(source: Source, columns: number, skipped?: SkippedLines): void {
  if (!source.csvHasRows || !source.csv) return;
  const d = source.csv.delimiter === "\t" ? "tab" : `"${source.csv.delimiter}"`;
  if (skipped?.count)
    throw new AppError(
      "invalid_input",
      `Every line was skipped as bad (${skippedText(skipped)}). Check the delimiter (${d}), the header, the quote and the column types.`,
      { details: { skippedLines: skipped } },
    );
  throw new AppError(
    "invalid_input",
    `The CSV read as ${columns} column${columns === 1 ? "" : "s"} and no rows, but the file has lines after its header. Check the delimiter (${d}), the quote and the lines to skip, and upload again.`,
  );
}

function skippedText(s: SkippedLines): string {
  const more = s.count > s.lines.length ? ", ..." : "";
  return `${s.count} line${s.count === 1 ? "" : "s"}: ${s.lines.length === 1 ? "line" : "lines"} ${s.lines.join(", ")}${more}`;
}

/** Column name of a DuckDB "could not convert" error during a typed CSV read. */
function convertingColumn(message: string): string | null {
  return message.match(/Column (.+?) is being converted as type/)?.[1] ?? null;
}

/**
 * A value that does not fit the type the user chose for its column: the line, the column under
 * the user's name, the value, and what to do.
 */
function chosenTypeError(message: string, cols: ReadColumn[], line: number | null): AppError | null {
  const m = message.match(/Error when converting column "(.+?)"\. Could not convert string "(.*?)" to/);
  const col = m && cols.find((c) => c.name === m[1] && c.chosen);
  if (!m || !col?.chosen) return null;
  const where = line === null ? "" : `line ${line}: `;
  return new AppError(
    "invalid_input",
    `${where}the value ${JSON.stringify(m[2])} of column ${col.as} cannot be read as ${col.chosen}. Choose another type for ${col.as}, fix the value, or turn on "Skip bad lines" to leave such lines out.`,
    { details: { column: col.as, type: col.chosen, ...(line === null ? {} : { line }), value: m[2] } },
  );
}

let rejectSeq = 0;
function rejectTables(): RejectTables {
  const n = `${process.pid}_${++rejectSeq}`;
  return { errors: `sous_rejects_${n}`, scans: `sous_reject_scans_${n}` };
}

async function dropRejects(c: DuckDBConnection, t: RejectTables | undefined): Promise<void> {
  if (!t) return;
  await c.run(`DROP TABLE IF EXISTS ${duckIdent(t.errors)}; DROP TABLE IF EXISTS ${duckIdent(t.scans)}`);
}

/** Inferred (not chosen) columns that some line contradicts: read as text instead of skipping those lines. */
async function contradictedColumns(
  c: DuckDBConnection,
  t: RejectTables,
  cols: ReadColumn[],
  overrides: Map<string, string>,
): Promise<string[]> {
  const r = await c.runAndReadAll(
    `SELECT DISTINCT column_name FROM ${duckIdent(t.errors)} WHERE error_type = 'CAST' AND column_name IS NOT NULL`,
  );
  const chosen = new Set(cols.filter((x) => x.chosen).map((x) => x.name));
  return r
    .getRows()
    .map((row) => String(row[0]))
    .filter((n) => !chosen.has(n) && !overrides.has(n));
}

/** How many lines the read skipped, and the first few as line numbers in the (first) file. */
async function skippedLines(
  c: DuckDBConnection,
  t: RejectTables,
  source: Source,
  file: string,
  cols: ReadColumn[],
  partial: boolean,
): Promise<SkippedLines> {
  // Lines that only contradict an inferred type are imported (that column as text), not skipped.
  const chosen = cols.filter((x) => x.chosen).map((x) => duckString(x.name));
  const bad = `error_type <> 'CAST' OR column_name IN (${chosen.length ? chosen.join(", ") : "NULL"})`;
  const errors = duckIdent(t.errors);
  const r = await c.runAndReadAll(
    `SELECT (SELECT count(*) FROM (SELECT DISTINCT file_id, line FROM ${errors} WHERE ${bad})), (SELECT list(line ORDER BY line) FROM (SELECT DISTINCT line FROM ${errors} WHERE (${bad}) AND file_id = (SELECT min(file_id) FROM ${errors}) ORDER BY line LIMIT ${SKIPPED_LINES_SHOWN}))`,
  );
  const [count, first] = r.getRowsJson()[0] ?? [0, []];
  const records = ((first as unknown[] | null) ?? []).map(Number);
  const csv = source.csv as CsvOptions;
  // DuckDB numbers records; a value with newlines before a bad line shifts it from the line an editor shows.
  const lines =
    source.paths.length === 1 ? await csvRecordLines(file, records, csv).catch(() => records) : records;
  return { count: Number(count), lines, ...(partial ? { partial: true } : {}) };
}

async function describeSource(
  c: DuckDBConnection,
  source: Source,
  file: string,
  overrides: Map<string, string>,
) {
  const csv = source.options.format === "csv" ? source.options.csv : undefined;
  let cols: ReadColumn[] = [];
  const fail = async (e: Error): Promise<never> => {
    if (csv && source.csvFields) {
      // Re-read with every column as text: DuckDB then reports the offending line.
      const strict = csvReader(source.files, csv, overrides, { textOnlyFields: source.csvFields });
      const why = await c.runAndReadAll(`SELECT count(*) FROM ${strict}`).then(
        () => e,
        (e2: Error) => e2,
      );
      // DuckDB counts records, not lines: find the line the user sees (a single file only).
      const record = csvErrorRecord(why.message);
      const at =
        record !== null && source.paths.length === 1 && source.paths[0] === file
          ? await locateCsvRecord(file, record, csv).catch(() => null)
          : null;
      const chosen = chosenTypeError(why.message, cols, at?.line ?? record);
      if (chosen) throw chosen;
      throw new AppError(
        "invalid_input",
        `${friendly(source, file, why, at ?? undefined)}. Fix the file and upload it again.`,
      );
    }
    throw new AppError("invalid_input", `${friendly(source, file, e)}. Fix the file and upload it again.`);
  };
  const describe = async () =>
    (await c.runAndReadAll(`DESCRIBE SELECT * FROM ${source.sql(overrides)}`).catch(fail))
      .getRowObjectsJson()
      .map((r) => ({ name: String(r.column_name), duck: String(r.column_type) }));
  let raw = await describe();
  let dropped: string | undefined;
  if (csv) {
    if (csv.trailingDelimiter) {
      if (raw.length < 2)
        throw new AppError(
          "invalid_input",
          'The file reads as one column, so its lines cannot end with a delimiter: turn off "Lines end with the delimiter", or pick another delimiter.',
        );
      dropped = raw[raw.length - 1]?.name;
    }
    const read = dropped ? raw.slice(0, -1) : raw;
    const wanted = csv.columns;
    if (wanted && wanted.length !== read.length)
      throw new AppError(
        "invalid_input",
        `The options name ${wanted.length} column${wanted.length === 1 ? "" : "s"}, but with this delimiter, quote and header the file has ${read.length}. Give one entry per column, or none.`,
      );
    // A chosen type is read by DuckDB itself: a value that does not fit fails (or is skipped) on its line.
    let again = false;
    wanted?.forEach((w, i) => {
      const name = read[i]?.name;
      if (w.type && name && overrides.get(name) !== DUCK_TYPE_OF[w.type]) {
        overrides.set(name, DUCK_TYPE_OF[w.type]);
        again = true;
      }
    });
    if (again) raw = await describe();
    cols = (dropped ? raw.slice(0, -1) : raw).map((x, i) => ({
      ...x,
      as: wanted?.[i]?.name ?? (csv.header ? x.name : `col_${i + 1}`),
      ...(wanted?.[i]?.type ? { chosen: wanted[i]?.type } : {}),
    }));
    checkColumnNames(
      cols.map((x) => x.as),
      wanted?.some((w) => w.name) ? "column names" : csv.header ? "header" : "column list",
    );
  } else {
    cols = raw.map((x) => ({ ...x, as: x.name }));
    checkColumnNames(
      cols.map((x) => x.name),
      "column list",
    );
  }
  return { cols, raw, fail, where: trailingGuard(dropped) };
}

const schemaOf = (cols: ReadColumn[]): DatasetSchema =>
  cols.map((x) => ({ name: x.as, type: x.chosen ?? sousTypeOfDuckDb(x.duck) ?? "string" }));

/** First rows of a file read with the given (or detected) options, for the import dialog. */
export async function previewImport(
  engine: LocalEngine,
  opts: { file: string; fileName?: string; options?: ImportOptions; limit?: number },
): Promise<ImportPreviewResult> {
  return engine.withConnection(async (c) => {
    const source = await openSource(c, opts.file, { ...opts, preview: true });
    const rejects = source.csv?.skipBadLines ? rejectTables() : undefined;
    const whole = rejects ? rejectTables() : undefined;
    try {
      const { cols, fail, where } = await describeSource(c, source, opts.file, new Map());
      const r = await c
        .runAndReadAll(
          `SELECT ${selectList(cols)} FROM ${source.sql(new Map(), rejects)}${where} LIMIT ${opts.limit ?? 100}`,
        )
        .catch(fail);
      let skipped: SkippedLines | undefined;
      if (rejects && whole) {
        // The count the import will report, when one more scan is cheap; else what the preview read.
        const small = (await stat(opts.file)).size <= PREVIEW_COUNT_MAX_BYTES;
        if (small)
          await c.runAndReadAll(`SELECT count(*) FROM ${source.sql(new Map(), whole)}${where}`).catch(fail);
        skipped = await skippedLines(c, small ? whole : rejects, source, opts.file, cols, !small);
      }
      if (r.currentRowCount === 0) checkNotSilentlyEmpty(source, cols.length, skipped);
      const types = r.columnTypes().map(String);
      return {
        options: source.options,
        ...(source.sheets ? { sheets: source.sheets } : {}),
        columns: schemaOf(cols),
        rows: r.getRowsJson().map((row) => row.map((v, i) => previewCellFor(types[i] ?? "", v))),
        ...(skipped ? { skippedLines: skipped } : {}),
      };
    } finally {
      await dropRejects(c, rejects).catch(() => {});
      await dropRejects(c, whole).catch(() => {});
      await source.cleanup();
    }
  });
}

/**
 * Converts a file (or, with `files`, every one of them, the first one being `file`) into
 * `<outDir>/part-0.parquet`, inferring the types the options do not choose. A CSV column whose
 * inferred type a later row contradicts is read as text instead of failing the import; with
 * skipBadLines, lines that do not fit are left out and counted. Every problem with the data is an
 * AppError that names the line or part; the caller removes `outDir` when this throws.
 */
export async function importToParquet(
  engine: LocalEngine,
  opts: {
    file: string;
    outDir: string;
    fileName?: string;
    options?: ImportOptions;
    files?: string[];
    scratchDir?: string;
    signal?: AbortSignal;
  },
): Promise<ImportResult> {
  return engine.withConnection(async (c) => {
    const source = await openSource(c, opts.file, opts);
    try {
      const overrides = new Map<string, string>();
      const target = duckString(path.join(opts.outDir, "part-0.parquet"));
      for (let attempt = 0; ; attempt++) {
        const { cols, fail, where } = await describeSource(c, source, opts.file, overrides);
        const rejects = source.csv?.skipBadLines ? rejectTables() : undefined;
        try {
          let written: Awaited<ReturnType<DuckDBConnection["runAndReadAll"]>>;
          try {
            written = await c.runAndReadAll(
              `COPY (SELECT ${selectList(cols)} FROM ${source.sql(overrides, rejects)}${where}) TO ${target} (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 122880)`,
            );
          } catch (e) {
            if (opts.signal?.aborted) throw e;
            const col = source.options.format === "csv" ? convertingColumn((e as Error).message) : null;
            const chosen = cols.some((x) => x.name === col && x.chosen);
            if (col && !chosen && !overrides.has(col) && attempt < MAX_TYPE_RETRIES) {
              overrides.set(col, "VARCHAR");
              continue;
            }
            return await fail(e as Error);
          }
          let skipped: SkippedLines | undefined;
          if (rejects) {
            const contradicted = await contradictedColumns(c, rejects, cols, overrides);
            if (contradicted.length && attempt < MAX_TYPE_RETRIES) {
              for (const n of contradicted) overrides.set(n, "VARCHAR");
              continue;
            }
            skipped = await skippedLines(c, rejects, source, opts.file, cols, false);
          }
          const rowCount = Number(written.getRows()[0]?.[0] ?? 0);
          if (rowCount === 0) checkNotSilentlyEmpty(source, cols.length, skipped);
          return {
            schema: schemaOf(cols),
            rowCount,
            options: source.options,
            ...(source.sheets ? { sheets: source.sheets } : {}),
            ...(skipped ? { skippedLines: skipped } : {}),
          };
        } finally {
          await dropRejects(c, rejects).catch(() => {});
        }
      }
    } finally {
      await source.cleanup();
    }
  }, opts.signal);
}

/** The date format the sniffer reports for ISO dates. */
const ISO_DATE_FORMAT = "%Y-%m-%d";

/** The read a streamed import would run: the dialect from the head, every column typed from it. */
async function pipedRead(
  c: DuckDBConnection,
  opts: { headFile: string; fileName?: string; options?: ImportOptions; scratchDir: string },
) {
  const options =
    opts.options ?? (await detectImportOptions(c, opts.headFile, opts.fileName, opts.scratchDir));
  // Only what one forward read can do: the rest (other formats, bad lines to skip and count,
  // encodings DuckDB converts) goes through importToParquet on the stored file.
  if (options.format !== "csv" || options.csv.skipBadLines || options.csv.encoding !== "utf-8") return null;
  const source = await openSource(c, opts.headFile, { options });
  const overrides = new Map<string, string>();
  const { cols, raw, where } = await describeSource(c, source, opts.headFile, overrides);
  // The formats the reader guessed for dates and timestamps in the head: with auto-detection off
  // the stream would otherwise expect ISO dates.
  const f = await c
    .runAndReadAll(
      `SELECT DateFormat, TimestampFormat FROM sniff_csv(${duckString(opts.headFile)}, ${csvArgs(options.csv, overrides).join(", ")})`,
    )
    .then((r) => r.getRowsJson()[0] ?? [])
    .catch(() => []);
  // An ISO date is read by DuckDB's own date parser when auto-detected (it also takes 2024/01/06 or
  // a trailing time); the format '%Y-%m-%d' would be stricter than the stored file's read, and slower.
  const dateFormat = f[0] === ISO_DATE_FORMAT ? undefined : f[0];
  const fixed: FixedColumns = {
    columns: raw,
    ...(typeof dateFormat === "string" && dateFormat ? { dateFormat } : {}),
    ...(typeof f[1] === "string" && f[1] ? { timestampFormat: f[1] } : {}),
  };
  return { options, csv: options.csv, cols, where, fixed, hasRows: source.csvHasRows ?? false };
}

/** Segment size of a streamed import: big enough that DuckDB's parallel reader runs at full speed, small enough that the last one (converted after the upload ends) is short. */
export const STREAM_SEGMENT_BYTES = 48 * 1024 * 1024;
/**
 * Finished segment files that may wait to be converted, besides those being converted and the one
 * being written. Several: an upload faster than DuckDB is not held up, and what piles up is
 * converted by one statement (each statement has a fixed cost: 14 segments of a 700 MB file took
 * 8-10% more time than one file, in-process, columns given).
 */
const STREAM_PENDING_SEGMENTS = 3;

/** A streamed import's Parquet parts, numbered so a `*.parquet` glob (sorted by name) reads them in the file's order. */
const partName = (k: number) => `part-${String(k).padStart(5, "0")}.parquet`;

/**
 * Imports a CSV while it arrives: the dialect and column types come from `headFile` (the file's
 * first complete records, enough for the sniffer's sample); `body` (every byte of the file, from
 * the first) is cut at record boundaries into segment files (csv-segment-files.ts), and each is
 * converted by DuckDB's parallel reader into `<outDir>/part-NNNNN.parquet` while the next one
 * arrives. A reader of a FIFO would parse on one thread; a file of its own is read by all of
 * them, and the work left when the upload ends is one segment.
 * Null when the file needs importToParquet on the complete file instead: not a plain UTF-8 CSV (or
 * options that skip bad lines), a value that contradicts a type inferred from the head, any error
 * (importToParquet then names the line), or a body that failed. Nothing is left in `outDir` then.
 *
 * Where that complete file comes from is the caller's choice. Without `spool`, each segment is
 * deleted once converted and the caller keeps its own copy of the body: on null, the rest of
 * `body` is read and dropped. With `spool`, the segments are the only copy: they stay until the
 * end, and on a null after the import started streaming, the whole body is at `spool` (the caller
 * removes it). `onDecided` says, before any of the body is read, whether the import streams
 * (true) or gave up at once (false: `body` is not read; no spool is written).
 */
export async function importCsvStream(
  engine: LocalEngine,
  opts: {
    headFile: string;
    body: Readable;
    outDir: string;
    /** Where the segment files and the sniffer's scratch copy go (inside the engine's allowed directories). */
    scratchDir: string;
    fileName?: string;
    options?: ImportOptions;
    /** Tests cut small files into several segments. */
    segmentBytes?: number;
    /** Tests wait for each segment to be converted on its own (1). */
    pendingSegments?: number;
    /** A path in `scratchDir`'s file system for the whole body when the import falls back (see above). */
    spool?: string;
    onDecided?: (streaming: boolean) => void;
  },
): Promise<ImportResult | null> {
  // The body's failure is the caller's to report (the upload's 413 or interruption); here it only
  // ends the read, also after this returned.
  opts.body.on("error", () => {});
  let decided = false;
  const decide = (streaming: boolean) => {
    if (decided) return;
    decided = true;
    opts.onDecided?.(streaming);
  };
  const parts: string[] = [];
  // Each part is flushed to disk while the next converts, so the version's commit finds them synced.
  const syncs: Promise<void>[] = [];
  const held: { segments?: CsvSegmentFiles } = {};
  try {
    const result = await engine.withConnection(async (c) => {
      const read = await pipedRead(c, opts).catch(() => null);
      if (!read) return null;
      const segments = new CsvSegmentFiles(
        opts.body,
        {
          quote: read.csv.quote,
          escape: read.csv.escape,
          preambleRecords: read.csv.skipLines + (read.csv.header ? 1 : 0),
        },
        {
          dir: opts.scratchDir,
          segmentBytes: opts.segmentBytes ?? STREAM_SEGMENT_BYTES,
          maxPending: opts.pendingSegments ?? STREAM_PENDING_SEGMENTS,
          keep: opts.spool !== undefined,
        },
      );
      held.segments = segments;
      decide(true);
      let rowCount = 0;
      for (let files = await segments.nextBatch(); files !== null; files = await segments.nextBatch()) {
        const target = path.join(opts.outDir, partName(parts.length));
        parts.push(target);
        // In the upload's order: read_csv reads a list of files one after the other.
        const list = `[${files.map(duckString).join(", ")}]`;
        const written = await c.runAndReadAll(
          `COPY (SELECT ${selectList(read.cols)} FROM ${csvReader(list, read.csv, new Map(), { fixed: read.fixed })}${read.where}) TO ${duckString(target)} (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 122880)`,
        );
        for (const file of files) await segments.release(file);
        syncs.push(syncFile(target));
        rowCount += Number(written.getRows()[0]?.[0] ?? 0);
      }
      if (rowCount === 0 && read.hasRows) return null; // importToParquet says why
      return { schema: schemaOf(read.cols), rowCount, options: read.options } satisfies ImportResult;
    });
    if (result) {
      await held.segments?.stop();
      await Promise.all(syncs);
      return result;
    }
  } catch {
    // Any failure: importToParquet on the whole file reads it again and names the line.
  }
  decide(false);
  await Promise.allSettled(syncs);
  await Promise.all(parts.map((p) => rm(p, { force: true })));
  const segments = held.segments;
  if (!segments) {
    // Not streamed: the body goes nowhere (the caller's writer keeps going to its other sink).
    opts.body.resume();
    return null;
  }
  if (opts.spool !== undefined) {
    // The body's failure (or a full disk) leaves no spool: the caller's upload fails with it.
    await segments.spoolTo(opts.spool).catch(() => {});
  }
  await segments.stop().catch(() => {});
  return null;
}

async function syncFile(file: string): Promise<void> {
  const fh = await open(file, "r");
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
