import { z } from "zod";
import { ColumnTypeSchema, DatasetSchemaSchema } from "../columns.ts";
import { nulFreeString } from "../recipes/common.ts";
import { IdSchema, IsoDateSchema, ObjectNameSchema } from "./common.ts";

export const DatasetVersionSummarySchema = z
  .object({
    id: IdSchema,
    number: z.number().int(),
    rowCount: z.number().nullable(),
    bytes: z.number().nullable(),
    createdAt: IsoDateSchema,
  })
  .strict();

export const DatasetInfoSchema = z
  .object({
    id: IdSchema,
    projectId: IdSchema,
    name: z.string(),
    description: z.string(),
    schema: DatasetSchemaSchema.nullable(),
    currentVersion: DatasetVersionSummarySchema.nullable().describe(
      "null until the dataset is built or imported",
    ),
    createdAt: IsoDateSchema,
  })
  .strict();
export type DatasetInfo = z.infer<typeof DatasetInfoSchema>;

export const PreviewQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(10_000).default(100),
    offset: z.coerce.number().int().min(0).default(0),
  })
  .strict();

export const DatasetPreviewSchema = z
  .object({
    columns: DatasetSchemaSchema,
    rows: z.array(z.array(z.union([z.string(), z.number(), z.boolean(), z.null()]))),
    totalRows: z.number(),
  })
  .strict();
export type DatasetPreview = z.infer<typeof DatasetPreviewSchema>;

// ---- Import ----------------------------------------------------------------------------------

export const ImportFormatSchema = z.enum(["csv", "parquet", "json", "xlsx"]);
export type ImportFormat = z.infer<typeof ImportFormatSchema>;

/**
 * A column of a delimited file as the user wants it: position is the column's place in the file
 * (after a dropped trailing delimiter), `name` renames it, `type` reads it as that type instead of
 * the inferred one (a value that does not fit is a bad line).
 */
export const ImportColumnSchema = z
  .object({
    name: nulFreeString().trim().min(1, "a column name is empty").max(256).optional(),
    type: ColumnTypeSchema.optional().describe("Read the column as this type; inferred when omitted"),
  })
  .strict();
export type ImportColumn = z.infer<typeof ImportColumnSchema>;

export const CsvOptionsSchema = z
  .object({
    delimiter: nulFreeString().min(1).max(4).describe("Field separator: ',', ';', '\\t', '|'..."),
    quote: nulFreeString().max(1).describe("Quote character; empty for none"),
    escape: nulFreeString().max(1).describe("Escape character inside quotes (usually the quote itself)"),
    encoding: z.enum(["utf-8", "latin-1", "utf-16"]),
    header: z.boolean().describe("The first (non-skipped) line names the columns; otherwise col_1..col_n"),
    skipLines: z.number().int().min(0).max(1000).describe("Lines to skip before the header"),
    trailingDelimiter: z
      .boolean()
      .optional()
      .describe("Every line ends with the delimiter (.tbl/.dat exports): the empty last column is dropped"),
    decimalSeparator: z
      .enum([".", ","])
      .optional()
      .describe("',' reads 10,5 as a number (with ';' or tab delimiters)"),
    skipBadLines: z
      .boolean()
      .optional()
      .describe(
        "Skip lines that do not fit (wrong number of fields, a value not of its column's type) and report them",
      ),
    columns: z
      .array(ImportColumnSchema)
      .max(10_000)
      .optional()
      .describe("Names and types by position; as many as the file has columns"),
  })
  .strict();
export type CsvOptions = z.infer<typeof CsvOptionsSchema>;

export const ImportOptionsSchema = z.discriminatedUnion("format", [
  z.object({ format: z.literal("csv"), csv: CsvOptionsSchema }).strict(),
  z.object({ format: z.literal("parquet") }).strict(),
  z
    .object({ format: z.literal("json") })
    .strict()
    .describe("A JSON array of objects, or NDJSON"),
  z
    .object({ format: z.literal("xlsx"), sheet: nulFreeString().min(1).max(256).optional() })
    .strict()
    .describe("The first sheet unless one is named"),
]);
export type ImportOptions = z.infer<typeof ImportOptionsSchema>;

/**
 * The import options of a request whose body is the file: the same ImportOptionsSchema as every
 * other import path, sent as JSON in the `options` query parameter.
 */
export const ImportOptionsQueryParam = nulFreeString()
  .max(200_000)
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: "custom", message: "options must be JSON (the import options object)" });
      return z.NEVER;
    }
  })
  .pipe(ImportOptionsSchema)
  .optional()
  .describe('Import options as JSON, e.g. {"format":"csv","csv":{...}}; detected when omitted');

export const UploadDatasetQuerySchema = z
  .object({ name: ObjectNameSchema.describe("Name of the new dataset"), options: ImportOptionsQueryParam })
  .strict();

const Cell = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const SkippedLinesSchema = z
  .object({
    count: z.number().int().min(0).describe("Lines skipped as bad"),
    lines: z.array(z.number().int()).max(10).describe("The first few, as line numbers in the file"),
    partial: z
      .boolean()
      .optional()
      .describe("Counted over the part of the file read for the preview only (large files)"),
  })
  .strict();
export type SkippedLines = z.infer<typeof SkippedLinesSchema>;

export const ImportPreviewSchema = z
  .object({
    options: ImportOptionsSchema.describe("The options used (detected unless given)"),
    sheets: z.array(z.string()).optional().describe("Sheets of an xlsx file"),
    columns: DatasetSchemaSchema,
    rows: z.array(z.array(Cell)),
    skippedLines: SkippedLinesSchema.optional().describe("With skipBadLines: the lines left out"),
  })
  .strict();
export type ImportPreview = z.infer<typeof ImportPreviewSchema>;

export const UploadInfoSchema = z
  .object({
    id: IdSchema,
    fileName: z.string(),
    bytes: z.number(),
    preview: ImportPreviewSchema.nullable().describe(
      "null when the file cannot be read with the detected options: previewError says why, and the upload is kept so other options can be tried",
    ),
    options: ImportOptionsSchema.describe("The detected options (also when the preview failed)"),
    previewError: z.string().optional(),
  })
  .strict();
export type UploadInfo = z.infer<typeof UploadInfoSchema>;

export const StageUploadQuerySchema = z
  .object({
    fileName: nulFreeString().trim().min(1).max(256).default("upload").describe("Original file name"),
    options: ImportOptionsQueryParam,
  })
  .strict();

export const PreviewUploadBodySchema = z.object({ options: ImportOptionsSchema }).strict();

/**
 * A folder import's options: an upload's ImportOptions, except that CSV fields may be left out,
 * and each one left out is detected on the folder's first file. There is no preview of a folder
 * to read the detected dialect from first, so "header: no" alone must be sayable.
 */
export const FolderImportOptionsSchema = z.discriminatedUnion("format", [
  z.object({ format: z.literal("csv"), csv: CsvOptionsSchema.partial() }).strict(),
  z.object({ format: z.literal("parquet") }).strict(),
]);
export type FolderImportOptions = z.infer<typeof FolderImportOptionsSchema>;

export const ImportSourceSchema = z.discriminatedUnion("kind", [
  z
    .object({
      kind: z.literal("upload"),
      uploadId: IdSchema,
      options: ImportOptionsSchema.optional().describe("Detected when omitted"),
    })
    .strict(),
  z
    .object({
      kind: z.literal("postgres"),
      connectionId: IdSchema,
      table: nulFreeString()
        .min(1)
        .max(256)
        .optional()
        .describe("schema.table or table; exactly one of table and query"),
      query: nulFreeString().min(1).max(100_000).optional().describe("A SELECT statement"),
    })
    .strict()
    .refine(
      (s) => (s.table === undefined) !== (s.query === undefined),
      "give exactly one of table and query",
    ),
  z
    .object({
      kind: z.literal("blob"),
      folder: nulFreeString()
        .min(1)
        .max(1024)
        .describe(
          "Folder in the configured container (imports/...), holding delimited text (.csv, .tsv, .txt, .tbl, .dat, .psv) or Parquet files",
        ),
      format: z.enum(["csv", "parquet"]),
      options: FolderImportOptionsSchema.optional().describe(
        "The same options as an upload's; any CSV field left out (or all, when omitted) is detected on the first file; their format must be the folder's",
      ),
    })
    .strict()
    .refine((s) => !s.options || s.options.format === s.format, {
      message: "options.format must be the folder's format",
      path: ["options", "format"],
    }),
]);
export type ImportSource = z.infer<typeof ImportSourceSchema>;

/** What an import did besides writing the version: the lines it skipped (with skipBadLines). */
export const ImportReportSchema = z
  .object({ rowCount: z.number().int(), skippedLines: SkippedLinesSchema.optional() })
  .strict();
export type ImportReport = z.infer<typeof ImportReportSchema>;

/** An import's answer: the dataset, and what the import did. */
export const ImportedDatasetSchema = DatasetInfoSchema.extend({
  import: ImportReportSchema.optional(),
}).strict();
export type ImportedDataset = z.infer<typeof ImportedDatasetSchema>;

export const ImportDatasetBodySchema = z
  .object({ name: ObjectNameSchema, source: ImportSourceSchema })
  .strict();
export const ReimportDatasetBodySchema = z.object({ source: ImportSourceSchema }).strict();

// ---- Versions, schema -----------------------------------------------------------------------

export const DatasetVersionSchema = z
  .object({
    id: IdSchema,
    number: z.number().int(),
    status: z.enum(["WRITING", "PUBLISHED", "FAILED"]),
    current: z.boolean(),
    origin: z.string().nullable(),
    jobId: z.string().nullable(),
    schema: DatasetSchemaSchema,
    rowCount: z.number().nullable(),
    bytes: z.number().nullable(),
    createdAt: IsoDateSchema,
  })
  .strict();
export type DatasetVersion = z.infer<typeof DatasetVersionSchema>;

export const UpdateSchemaBodySchema = z
  .object({ columns: DatasetSchemaSchema.describe("Every column, in order, with its new type") })
  .strict();

// ---- Sampling ---------------------------------------------------------------------------------

const SampleN = z.number().int().min(1).max(1_000_000);
const Seed = z
  .number()
  .int()
  .min(0)
  .max(2 ** 31 - 1)
  .default(1);
const Ratio = z.number().gt(0).max(1);
const Col = nulFreeString().min(1).max(256);

export const DatasetSamplingSchema = z.discriminatedUnion("method", [
  z.object({ method: z.literal("first"), n: SampleN }).strict(),
  z.object({ method: z.literal("last"), n: SampleN }).strict(),
  z
    .object({ method: z.literal("random"), n: SampleN, seed: Seed })
    .strict()
    .describe("Exactly n rows"),
  z.object({ method: z.literal("ratio"), ratio: Ratio, seed: Seed }).strict(),
  z
    .object({ method: z.literal("stratified"), column: Col, n: SampleN, seed: Seed })
    .strict()
    .describe("n rows keeping the column's proportions; every value present"),
  z
    .object({ method: z.literal("rebalance"), column: Col, n: SampleN, seed: Seed })
    .strict()
    .describe("About n rows with the column's classes equalised (undersampling only)"),
  z
    .object({ method: z.literal("values-subset"), column: Col, ratio: Ratio, seed: Seed })
    .strict()
    .describe("Every row of a random share of the column's distinct values"),
  z.object({ method: z.literal("full") }).strict(),
]);
export type DatasetSampling = z.infer<typeof DatasetSamplingSchema>;
export const DEFAULT_DATASET_SAMPLING: DatasetSampling = { method: "first", n: 10_000 };

/** A number as text (kept as text so a DECIMAL(38,9) or a BIGINT past 2^53 compares exactly). */
export const NUMBER_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
/** Filters that compare a numeric column with a number (`between` is inclusive at both ends). */
export const NUMERIC_SAMPLE_FILTER_OPS = ["eq", "gt", "gte", "lt", "lte", "between"] as const;

export const SampleFilterSchema = z
  .object({
    column: Col,
    op: z
      .enum(["contains", "equals", "empty", "not-empty", "invalid", "valid", ...NUMERIC_SAMPLE_FILTER_OPS])
      .describe("contains and equals compare text; eq, gt, gte, lt, lte and between numeric columns"),
    value: nulFreeString().max(1000).optional(),
    to: nulFreeString()
      .max(100)
      .regex(NUMBER_TEXT, "must be a number")
      .optional()
      .describe("between: the upper bound (inclusive)"),
  })
  .strict()
  .superRefine((f, ctx) => {
    if (!(NUMERIC_SAMPLE_FILTER_OPS as readonly string[]).includes(f.op)) return;
    if (f.value === undefined || !NUMBER_TEXT.test(f.value))
      ctx.addIssue({ code: "custom", path: ["value"], message: `${f.op} needs a number as value` });
    if (f.op === "between" && f.to === undefined)
      ctx.addIssue({ code: "custom", path: ["to"], message: "between needs an upper bound (to)" });
  });
export type SampleFilter = z.infer<typeof SampleFilterSchema>;

export const SampleQueryBodySchema = z
  .object({
    offset: z.number().int().min(0).default(0),
    limit: z.number().int().min(0).max(10_000).default(1000),
    sort: z
      .object({ column: Col, desc: z.boolean().default(false) })
      .strict()
      .optional(),
    filters: z.array(SampleFilterSchema).max(50).default([]),
  })
  .strict();
export type SampleQuery = z.infer<typeof SampleQueryBodySchema>;

export const SamplePageSchema = z
  .object({
    sampling: DatasetSamplingSchema,
    versionId: IdSchema,
    columns: DatasetSchemaSchema,
    sampleRows: z.number().describe("Rows in the sample"),
    matchingRows: z.number().describe("Rows of the sample that pass the filters"),
    rows: z
      .array(z.array(Cell))
      .describe(
        'Cells in column order: decimals as exact text ("12.5"), bigints as numbers up to 2^53 and as text beyond, NaN and infinities as text',
      ),
  })
  .strict();
export type SamplePage = z.infer<typeof SamplePageSchema>;

export const ColumnStatsSchema = z
  .object({
    name: z.string(),
    type: z.string(),
    meaning: z
      .string()
      .nullable()
      .describe("For text columns, the type most values have (what invalid is measured against)"),
    valid: z.number(),
    invalid: z.number(),
    empty: z.number(),
    distinct: z.number(),
    min: Cell,
    max: Cell,
    mean: z.number().nullable(),
    stddev: z.number().nullable(),
    top: z.array(z.object({ value: Cell, count: z.number() }).strict()),
    histogram: z
      .array(z.object({ from: z.number(), to: z.number(), count: z.number() }).strict())
      .nullable()
      .describe("Equal-width bins for numeric columns; null otherwise (use top)"),
  })
  .strict();
export type ColumnStats = z.infer<typeof ColumnStatsSchema>;

export const DatasetStatsSchema = z
  .object({
    versionId: IdSchema,
    sampling: DatasetSamplingSchema,
    rows: z.number(),
    columns: z.array(ColumnStatsSchema),
    sampled: z
      .boolean()
      .optional()
      .describe(
        "True when distinct counts, top values and histograms were computed on `rowsScanned` rows spread over the sample (samples over 200,000 rows); quality counts, min / max, mean and stddev always cover every row",
      ),
    rowsScanned: z
      .number()
      .optional()
      .describe("Rows distinct counts, top values and histograms were computed on"),
  })
  .strict();
export type DatasetStats = z.infer<typeof DatasetStatsSchema>;

export const DownloadQuerySchema = z.object({ format: z.enum(["csv", "parquet"]).default("csv") }).strict();

// ---- Connections (Postgres import) ------------------------------------------------------------

export const CreatePostgresConnectionBodySchema = z
  .object({
    name: ObjectNameSchema,
    kind: z.literal("postgres"),
    host: nulFreeString().min(1).max(255),
    port: z.number().int().min(1).max(65535).default(5432),
    database: nulFreeString().min(1).max(128),
    user: nulFreeString().min(1).max(128),
    password: z.string().max(1024).default("").describe("Stored encrypted; never returned"),
    ssl: z.boolean().default(false),
    projectIds: z
      .array(IdSchema)
      .max(1000)
      .default([])
      .describe(
        "Projects to grant it to (the import dialog sends its own); without a grant only administrators see it",
      ),
  })
  .strict();

/** Every field optional: omitted ones are kept. The password is write-only ("" removes it). */
export const UpdatePostgresConnectionBodySchema = z
  .object({
    name: ObjectNameSchema.optional(),
    host: nulFreeString().min(1).max(255).optional(),
    port: z.number().int().min(1).max(65535).optional(),
    database: nulFreeString().min(1).max(128).optional(),
    user: nulFreeString().min(1).max(128).optional(),
    password: z
      .string()
      .max(1024)
      .optional()
      .describe('Stored encrypted; never returned. Omitted: kept; "": removed'),
    ssl: z.boolean().optional(),
  })
  .strict();

export const ConnectionTableSchema = z
  .object({
    schema: z.string(),
    name: z.string(),
    kind: z
      .enum(["table", "view"])
      .describe("Partitioned and foreign tables are tables; materialized views are views"),
    estimatedRows: z
      .number()
      .int()
      .nullable()
      .describe("Postgres' estimate (pg_class.reltuples); null for views and tables never analyzed"),
  })
  .strict();
export type ConnectionTable = z.infer<typeof ConnectionTableSchema>;

export const ConnectionTablesSchema = z
  .object({
    tables: z.array(ConnectionTableSchema).describe("Sorted by schema, then name"),
    truncated: z.boolean().describe("More tables exist than the listing returns"),
  })
  .strict();
export type ConnectionTables = z.infer<typeof ConnectionTablesSchema>;

export const PostgresConnectionTestSchema = z
  .object({
    user: z.string().describe("The role Sous connects as"),
    serverVersion: z.string(),
    readableTables: z.number().int().describe("Tables and views the user can read"),
    readOnlyByDefault: z
      .boolean()
      .describe("default_transaction_read_only is on for the user (ALTER ROLE ... SET)"),
    canWrite: z
      .boolean()
      .describe(
        "The user is a superuser, can create roles, databases, schemas or tables, or can write to (or owns) a table",
      ),
    warnings: z.array(z.string()).describe("What the user can change; empty for a read-only role"),
  })
  .strict();
export type PostgresConnectionTest = z.infer<typeof PostgresConnectionTestSchema>;

export const ConnectionInfoSchema = z
  .object({
    id: IdSchema,
    name: z.string(),
    kind: z.string(),
    config: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
    hasSecret: z.boolean(),
    createdAt: IsoDateSchema,
    projectIds: z
      .array(IdSchema)
      .optional()
      .describe("The projects it is granted to; in administrators' answers only"),
  })
  .strict();
export type ConnectionInfo = z.infer<typeof ConnectionInfoSchema>;
