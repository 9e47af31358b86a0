import { z } from "zod";
import { ColumnTypeSchema } from "../columns.ts";
import { FormulaTextSchema } from "../formula/index.ts";
import {
  NUL_MESSAGE,
  noNul,
  nulFreeString,
  RecipeColumnNameSchema,
  RecipeOutputNameSchema,
  RecipeSortKeySchema,
} from "./common.ts";

/**
 * Params of every prepare step type, one strict zod schema each (DSS processor names where they
 * exist). The compiler has one module per type (`packages/compiler/src/prepare/steps/`) saying
 * what the step does to the schema, how it lowers to SQL and which engines can run it.
 */

const Col = RecipeColumnNameSchema;
const Cols = z.array(RecipeColumnNameSchema).min(1).max(1000);
const Out = RecipeOutputNameSchema;
const Text = nulFreeString().max(10_000);
const Regex = nulFreeString().min(1).max(2000).describe("A Java (Spark) regular expression");
const Value = z.union([z.string().max(10_000), z.number(), z.boolean()]).refine(noNul, NUL_MESSAGE);
const Finite = z.number().refine(Number.isFinite, "must be a finite number");
const RowAction = z
  .enum(["keep", "remove"])
  .default("keep")
  .describe("keep: only matching rows stay; remove: matching rows are dropped (rows with NULLs never match)");
const Pattern = nulFreeString().min(1).max(500);

// ---- Columns -------------------------------------------------------------------------------

export const ColumnRenamerParamsSchema = z
  .object({
    renamings: z
      .array(z.object({ from: Col, to: Out }).strict())
      .min(1)
      .max(1000),
  })
  .strict();

export const ColumnsSelectorParamsSchema = z
  .object({
    keep: z.boolean().default(false).describe("true: keep only the selected columns; false: delete them"),
    columns: z.array(Col).max(1000).default([]),
    pattern: Pattern.optional().describe(
      "Also select columns whose name matches this regular expression (JavaScript syntax, full name)",
    ),
  })
  .strict();

export const ColumnReorderParamsSchema = z
  .object({
    columns: Cols,
    position: z.enum(["start", "end", "before", "after"]).default("start"),
    reference: Col.optional().describe("The column to move before/after"),
  })
  .strict();

export const ColumnCopierParamsSchema = z.object({ column: Col, output: Out }).strict();

export const ColumnsConcatParamsSchema = z
  .object({
    columns: Cols,
    separator: Text.default(""),
    output: Out,
    skipNulls: z
      .boolean()
      .default(true)
      .describe("true: NULL cells are left out (concat_ws); false: any NULL makes the result NULL"),
  })
  .strict();

export const ColumnSplitterParamsSchema = z
  .object({
    column: Col,
    separator: nulFreeString().min(1).max(100).describe("Literal text, not a regex"),
    outputPrefix: Out.optional().describe("Output columns are <prefix>1..<prefix>N; default <column>_"),
    count: z.number().int().min(1).max(100),
    keepOriginal: z.boolean().default(true),
  })
  .strict();

export const FillColumnParamsSchema = z
  .object({ output: Out, value: Value.nullable(), type: ColumnTypeSchema.optional() })
  .strict();

export const ColumnPseudonymizationParamsSchema = z
  .object({
    columns: Cols,
    algorithm: z.enum(["sha256", "md5"]).default("sha256"),
    salt: Text.default(""),
  })
  .strict();

// ---- Cleaning ------------------------------------------------------------------------------

export const FillEmptyWithValueParamsSchema = z
  .object({
    columns: Cols,
    value: Value.describe("Must fit each column's type"),
    emptyStrings: z.boolean().default(true).describe("Also fill '' in string columns"),
  })
  .strict();

export const UpDownFillerParamsSchema = z
  .object({
    columns: Cols,
    orderBy: z.array(RecipeSortKeySchema).min(1).describe("Row order: SQL rows have none of their own"),
    partitionBy: z.array(Col).default([]),
    direction: z.enum(["previous", "next"]).default("previous"),
  })
  .strict();

export const FindReplaceParamsSchema = z
  .object({
    columns: Cols,
    mode: z.enum(["literal", "regex", "wholeCell"]).default("literal"),
    find: nulFreeString().min(1).max(2000),
    replace: Text.default("").describe("regex mode: $1..$9 insert groups, \\$ is a dollar sign"),
  })
  .strict();

export const TrimWhitespaceParamsSchema = z
  .object({ columns: Cols, side: z.enum(["both", "left", "right"]).default("both") })
  .strict();

export const NormalizeWhitespaceParamsSchema = z.object({ columns: Cols }).strict();

export const ChangeCaseParamsSchema = z
  .object({ columns: Cols, mode: z.enum(["upper", "lower", "title"]) })
  .strict();

export const RemoveAccentsParamsSchema = z.object({ columns: Cols }).strict();

export const TruncateStringParamsSchema = z
  .object({ columns: Cols, length: z.number().int().min(0).max(1_000_000) })
  .strict();

export const PadStringParamsSchema = z
  .object({
    columns: Cols,
    length: z.number().int().min(0).max(10_000),
    padding: nulFreeString().min(1).max(10).default(" "),
    side: z.enum(["left", "right"]).default("left"),
  })
  .strict();

export const AddPrefixSuffixParamsSchema = z
  .object({ columns: Cols, prefix: Text.default(""), suffix: Text.default("") })
  .strict();

export const RegexpExtractorParamsSchema = z
  .object({
    column: Col,
    pattern: Regex,
    outputs: z.array(Out).min(1).max(50).describe("Output i receives group i+1; '' when nothing matches"),
  })
  .strict();

export const ExtractNumbersParamsSchema = z
  .object({
    column: Col,
    output: Out.optional().describe("Default <column>_number"),
    decimalSeparator: z.enum([".", ","]).default("."),
  })
  .strict();

export const RoundProcessorParamsSchema = z
  .object({
    columns: Cols,
    mode: z.enum(["round", "floor", "ceil"]).default("round"),
    decimals: z.number().int().min(0).max(15).default(0),
  })
  .strict();

export const BinnerProcessorParamsSchema = z
  .object({
    column: Col,
    output: Out.optional().describe("Default <column>_bin"),
    mode: z.discriminatedUnion("kind", [
      z
        .object({
          kind: z.literal("fixedWidth"),
          width: Finite.refine((w) => w > 0),
          origin: Finite.default(0),
        })
        .strict()
        .describe("Bin label = lower bound: origin + width * floor((x - origin) / width), a double"),
      z
        .object({
          kind: z.literal("edges"),
          edges: z.array(Finite).min(1).max(1000).describe("Ascending; bin i is [edges[i-1], edges[i])"),
          labels: z.array(Text).optional().describe("edges.length + 1 labels; default '<a-b', 'a-b', '>=b'"),
        })
        .strict(),
    ]),
  })
  .strict();

export const MinMaxProcessorParamsSchema = z
  .object({
    columns: Cols,
    min: Finite.optional(),
    max: Finite.optional(),
    mode: z.enum(["clip", "clear"]).default("clip").describe("clip to the bound, or clear (NULL) the cell"),
  })
  .strict();

export const TypeConverterParamsSchema = z
  .object({ columns: Cols, to: ColumnTypeSchema.describe("Cells that do not convert become NULL") })
  .strict();

export const MultiColumnFoldParamsSchema = z
  .object({ columns: Cols, keyColumn: Out, valueColumn: Out })
  .strict();

export const MultiColumnByPatternFoldParamsSchema = z
  .object({
    pattern: Pattern.describe("Columns whose whole name matches this (JavaScript) regular expression"),
    keyColumn: Out,
    valueColumn: Out,
  })
  .strict();

export const UnfoldParamsSchema = z
  .object({
    column: Col,
    prefix: Out.optional().describe("Output columns are <prefix><value>; default <column>_"),
    values: z
      .array(z.union([z.string().max(1000), z.number(), z.boolean()]).refine(noNul, NUL_MESSAGE))
      .min(1)
      .max(1000)
      .optional()
      .describe("Values to unfold; absent: context.prepareValues[stepId], computed from the data"),
    absent: z.enum(["null", "zero"]).default("null").describe("Cell value when the row has another value"),
    keepOriginal: z.boolean().default(false),
  })
  .strict();

export const JsonFlattenerParamsSchema = z
  .object({
    column: Col,
    keys: z
      .array(
        z
          .object({
            path: z
              .string()
              .regex(/^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/, "keys are letters, digits and _, nested with dots")
              .max(500),
            output: Out.optional().describe("Default <prefix><path with _>"),
          })
          .strict(),
      )
      .min(1)
      .max(500),
    prefix: nulFreeString().max(200).optional().describe("Default <column>_"),
  })
  .strict();

export const UrlSplitterParamsSchema = z
  .object({
    column: Col,
    parts: z
      .array(z.enum(["scheme", "host", "port", "path", "query", "fragment"]))
      .min(1)
      .default(["scheme", "host", "port", "path", "query", "fragment"]),
    prefix: nulFreeString().max(200).optional().describe("Default <column>_"),
  })
  .strict();

export const EmailSplitterParamsSchema = z
  .object({ column: Col, prefix: nulFreeString().max(200).optional().describe("Default <column>_") })
  .strict();

export const UserAgentParserParamsSchema = z
  .object({
    column: Col,
    fields: z
      .array(z.enum(["browser", "browserVersion", "os", "osVersion", "device"]))
      .min(1)
      .default(["browser", "browserVersion", "os", "device"]),
    prefix: nulFreeString().max(200).optional().describe("Default <column>_"),
  })
  .strict();

export const MatchCounterParamsSchema = z
  .object({ column: Col, search: nulFreeString().min(1).max(1000), output: Out })
  .strict();

export const StringLengthParamsSchema = z.object({ column: Col, output: Out }).strict();

export const ValueMapperParamsSchema = z
  .object({
    column: Col,
    mapping: z
      .array(
        z.object({ from: nulFreeString().max(10_000), to: nulFreeString().max(10_000).nullable() }).strict(),
      )
      .min(1)
      .max(10_000),
    otherwise: z.enum(["keep", "null", "value"]).default("keep"),
    otherwiseValue: nulFreeString().max(10_000).optional(),
    output: Out.optional(),
  })
  .strict();

export const BooleanNotParamsSchema = z.object({ columns: Cols }).strict();

export const LongTailGrouperParamsSchema = z
  .object({
    column: Col,
    minCount: z.number().int().min(1).describe("Values seen fewer times are replaced"),
    replacement: Text.default("Others"),
  })
  .strict();

// ---- Dates ---------------------------------------------------------------------------------

const SparkDatePattern = nulFreeString()
  .min(1)
  .max(200)
  .describe("Spark datetime pattern, e.g. yyyy-MM-dd HH:mm:ss");

export const DateParserParamsSchema = z
  .object({
    column: Col,
    formats: z.array(SparkDatePattern).min(1).max(20).describe("Tried in order; the first that parses wins"),
    output: Out.optional().describe("Default: replace the column"),
    outputType: z.enum(["date", "timestamp"]).default("timestamp"),
  })
  .strict();

export const DateFormatterParamsSchema = z
  .object({ column: Col, format: SparkDatePattern, output: Out.optional() })
  .strict();

export const DatePartSchema = z.enum([
  "year",
  "quarter",
  "month",
  "day",
  "dayOfWeek",
  "dayOfYear",
  "weekOfYear",
  "hour",
  "minute",
  "second",
]);
export type DatePart = z.infer<typeof DatePartSchema>;

export const DateComponentsExtractorParamsSchema = z
  .object({
    column: Col,
    parts: z.array(DatePartSchema).min(1),
    prefix: nulFreeString().max(200).optional().describe("Default <column>_"),
  })
  .strict();

export const DateUnitSchema = z.enum(["seconds", "minutes", "hours", "days", "weeks", "months", "years"]);

export const DateDifferenceParamsSchema = z
  .object({
    start: Col,
    end: Col,
    unit: DateUnitSchema.exclude(["months", "years"]).default("days"),
    output: Out,
  })
  .strict();

export const DateIncrementParamsSchema = z
  .object({
    column: Col,
    unit: DateUnitSchema,
    amount: z.number().int().min(-1_000_000).max(1_000_000),
    output: Out.optional(),
  })
  .strict();

export const DateTruncateParamsSchema = z
  .object({
    column: Col,
    unit: z.enum(["year", "quarter", "month", "week", "day", "hour", "minute"]),
    output: Out.optional(),
  })
  .strict();

const TimeZone = nulFreeString().min(1).max(64).describe("IANA time zone, e.g. Europe/Paris, or UTC");

export const TimezoneConverterParamsSchema = z
  .object({ column: Col, from: TimeZone, to: TimeZone, output: Out.optional() })
  .strict();

export const UnixTimestampParserParamsSchema = z
  .object({
    column: Col,
    unit: z.enum(["seconds", "milliseconds"]).default("seconds"),
    output: Out.optional(),
  })
  .strict();

export const FlagWeekendParamsSchema = z.object({ column: Col, output: Out }).strict();

export const HolidaysComputerParamsSchema = z
  .object({
    column: Col,
    country: nulFreeString().regex(/^[A-Z]{2}$/, "an ISO 3166 country code such as FR"),
    output: Out,
  })
  .strict();

export const FilterOnDateParamsSchema = z
  .object({
    column: Col,
    from: nulFreeString().max(40).optional().describe("Inclusive, YYYY-MM-DD or YYYY-MM-DD HH:MM:SS"),
    to: nulFreeString().max(40).optional().describe("Exclusive"),
    action: RowAction,
  })
  .strict();

// ---- Formulas ------------------------------------------------------------------------------

export const CreateColumnWithGRELParamsSchema = z
  .object({
    output: Out.describe("Column to create, or to overwrite when it exists"),
    formula: FormulaTextSchema,
  })
  .strict();

export const FilterOnFormulaParamsSchema = z
  .object({
    formula: FormulaTextSchema.describe("A condition, e.g. amount > 100 && isNotBlank(email)"),
    action: RowAction,
  })
  .strict();

// ---- Rows ----------------------------------------------------------------------------------

export const FilterOnValueParamsSchema = z
  .object({
    column: Col,
    values: z.array(Value).min(1).max(10_000),
    matching: z.enum(["full", "substring"]).default("full"),
    caseSensitive: z.boolean().default(true),
    action: RowAction,
  })
  .strict();

export const FilterOnRegexParamsSchema = z
  .object({ column: Col, pattern: Regex, action: RowAction })
  .strict();

export const FilterOnNumericalRangeParamsSchema = z
  .object({ column: Col, min: Finite.optional(), max: Finite.optional(), action: RowAction })
  .strict();

export const RemoveRowsOnEmptyParamsSchema = z
  .object({ columns: Cols, mode: z.enum(["any", "all"]).default("any") })
  .strict();

export const FilterOnBadTypeParamsSchema = z
  .object({
    column: Col,
    type: ColumnTypeSchema,
    action: RowAction.describe("keep/remove rows whose cell is invalid"),
  })
  .strict();

export const FlagOnValueParamsSchema = z
  .object({
    column: Col,
    values: z.array(Value).min(1).max(10_000),
    matching: z.enum(["full", "substring"]).default("full"),
    caseSensitive: z.boolean().default(true),
    output: Out,
  })
  .strict();

export const FlagOnRegexParamsSchema = z.object({ column: Col, pattern: Regex, output: Out }).strict();

export const FlagOnNumericalRangeParamsSchema = z
  .object({ column: Col, min: Finite.optional(), max: Finite.optional(), output: Out })
  .strict();

export const FlagOnBadTypeParamsSchema = z
  .object({ column: Col, type: ColumnTypeSchema, output: Out })
  .strict();

export const FlagOnEmptyParamsSchema = z
  .object({ columns: Cols, mode: z.enum(["any", "all"]).default("any"), output: Out })
  .strict();

export const ClearCellsOnValueParamsSchema = z
  .object({ column: Col, values: z.array(Value).min(1).max(10_000) })
  .strict();

export const DeduplicateParamsSchema = z
  .object({
    columns: z.array(Col).max(1000).optional().describe("Compared columns; absent: all columns"),
    orderBy: z
      .array(RecipeSortKeySchema)
      .optional()
      .describe("With a subset: the first row in this order is kept; absent: any one row"),
  })
  .strict();

// ---- Numbers -------------------------------------------------------------------------------

export const ZScoreParamsSchema = z
  .object({ column: Col, output: Out.optional().describe("Default <column>_zscore") })
  .strict();

export const LogTransformParamsSchema = z
  .object({ column: Col, base: z.enum(["e", "10", "2"]).default("e"), output: Out.optional() })
  .strict();

export const ExpTransformParamsSchema = z.object({ column: Col, output: Out.optional() }).strict();

export const AbsoluteValueParamsSchema = z.object({ columns: Cols }).strict();

export const CurrencyConverterParamsSchema = z
  .object({
    column: Col.describe("Amount column"),
    currencyColumn: Col.optional().describe("Column holding each row's currency code"),
    currency: nulFreeString().min(1).max(10).optional().describe("Fixed currency of every amount"),
    rates: z
      .record(
        nulFreeString().min(1).max(10),
        Finite.refine((r) => r > 0),
      )
      .describe("Units of the target currency per 1 unit of each currency"),
    output: Out,
  })
  .strict();

export const RowMeanParamsSchema = z.object({ columns: Cols, output: Out }).strict();
