import { z } from "zod";
import { nulFreeString } from "./common.ts";
import * as P from "./prepare-steps.ts";

export * from "./prepare-steps.ts";

/**
 * The params schema of every prepare step type, by type id (DSS processor names where they
 * exist). The formula step (`CreateColumnWithGREL`) and the formula filter
 * (`FilterOnCustomFormula`) are added here by the formula language, with their compiler modules.
 */
export const PREPARE_STEP_PARAMS = {
  ColumnRenamer: P.ColumnRenamerParamsSchema,
  ColumnsSelector: P.ColumnsSelectorParamsSchema,
  ColumnReorder: P.ColumnReorderParamsSchema,
  ColumnCopier: P.ColumnCopierParamsSchema,
  ColumnsConcat: P.ColumnsConcatParamsSchema,
  ColumnSplitter: P.ColumnSplitterParamsSchema,
  FillColumn: P.FillColumnParamsSchema,
  ColumnPseudonymization: P.ColumnPseudonymizationParamsSchema,
  FillEmptyWithValue: P.FillEmptyWithValueParamsSchema,
  UpDownFiller: P.UpDownFillerParamsSchema,
  FindReplace: P.FindReplaceParamsSchema,
  TrimWhitespace: P.TrimWhitespaceParamsSchema,
  NormalizeWhitespace: P.NormalizeWhitespaceParamsSchema,
  ChangeCase: P.ChangeCaseParamsSchema,
  RemoveAccents: P.RemoveAccentsParamsSchema,
  TruncateString: P.TruncateStringParamsSchema,
  PadString: P.PadStringParamsSchema,
  AddPrefixSuffix: P.AddPrefixSuffixParamsSchema,
  RegexpExtractor: P.RegexpExtractorParamsSchema,
  ExtractNumbers: P.ExtractNumbersParamsSchema,
  RoundProcessor: P.RoundProcessorParamsSchema,
  BinnerProcessor: P.BinnerProcessorParamsSchema,
  MinMaxProcessor: P.MinMaxProcessorParamsSchema,
  TypeConverter: P.TypeConverterParamsSchema,
  MultiColumnFold: P.MultiColumnFoldParamsSchema,
  MultiColumnByPatternFold: P.MultiColumnByPatternFoldParamsSchema,
  Unfold: P.UnfoldParamsSchema,
  JSONFlattener: P.JsonFlattenerParamsSchema,
  URLSplitter: P.UrlSplitterParamsSchema,
  EmailSplitter: P.EmailSplitterParamsSchema,
  UserAgentParser: P.UserAgentParserParamsSchema,
  MatchCounter: P.MatchCounterParamsSchema,
  StringLength: P.StringLengthParamsSchema,
  ValueMapper: P.ValueMapperParamsSchema,
  BooleanNot: P.BooleanNotParamsSchema,
  LongTailGrouper: P.LongTailGrouperParamsSchema,
  DateParser: P.DateParserParamsSchema,
  DateFormatter: P.DateFormatterParamsSchema,
  DateComponentsExtractor: P.DateComponentsExtractorParamsSchema,
  DateDifference: P.DateDifferenceParamsSchema,
  DateIncrement: P.DateIncrementParamsSchema,
  DateTruncate: P.DateTruncateParamsSchema,
  TimezoneConverter: P.TimezoneConverterParamsSchema,
  UNIXTimestampParser: P.UnixTimestampParserParamsSchema,
  FlagWeekend: P.FlagWeekendParamsSchema,
  HolidaysComputer: P.HolidaysComputerParamsSchema,
  FilterOnDate: P.FilterOnDateParamsSchema,
  CreateColumnWithGREL: P.CreateColumnWithGRELParamsSchema,
  FilterOnFormula: P.FilterOnFormulaParamsSchema,
  FilterOnValue: P.FilterOnValueParamsSchema,
  FilterOnRegex: P.FilterOnRegexParamsSchema,
  FilterOnNumericalRange: P.FilterOnNumericalRangeParamsSchema,
  RemoveRowsOnEmpty: P.RemoveRowsOnEmptyParamsSchema,
  FilterOnBadType: P.FilterOnBadTypeParamsSchema,
  FlagOnValue: P.FlagOnValueParamsSchema,
  FlagOnRegex: P.FlagOnRegexParamsSchema,
  FlagOnNumericalRange: P.FlagOnNumericalRangeParamsSchema,
  FlagOnBadType: P.FlagOnBadTypeParamsSchema,
  FlagOnEmpty: P.FlagOnEmptyParamsSchema,
  ClearCellsOnValue: P.ClearCellsOnValueParamsSchema,
  Deduplicate: P.DeduplicateParamsSchema,
  ZScore: P.ZScoreParamsSchema,
  LogTransform: P.LogTransformParamsSchema,
  ExpTransform: P.ExpTransformParamsSchema,
  AbsoluteValue: P.AbsoluteValueParamsSchema,
  CurrencyConverter: P.CurrencyConverterParamsSchema,
  RowMean: P.RowMeanParamsSchema,
} as const;

export type PrepareStepType = keyof typeof PREPARE_STEP_PARAMS;
export type PrepareStepParams<T extends PrepareStepType> = z.infer<(typeof PREPARE_STEP_PARAMS)[T]>;

const StepIdSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9_.:-]+$/, "step ids are letters, digits and _ . : -");

function stepSchema<T extends PrepareStepType>(type: T) {
  return z
    .object({
      id: StepIdSchema.describe("Stable id, unique in the recipe (the UI generates it)"),
      type: z.literal(type),
      params: PREPARE_STEP_PARAMS[type] as (typeof PREPARE_STEP_PARAMS)[T],
      disabled: z.boolean().optional().describe("Disabled steps are kept but skipped"),
      name: nulFreeString().max(256).optional().describe("Display name; defaults to the type's label"),
      comment: nulFreeString().max(10_000).optional(),
    })
    .strict();
}

type StepSchemas = { [T in PrepareStepType]: ReturnType<typeof stepSchema<T>> };
const STEP_SCHEMAS = Object.fromEntries(
  Object.keys(PREPARE_STEP_PARAMS).map((t) => [t, stepSchema(t as PrepareStepType)]),
) as unknown as StepSchemas;

const stepOptions = Object.values(STEP_SCHEMAS) as unknown as [
  StepSchemas[PrepareStepType],
  ...StepSchemas[PrepareStepType][],
];

/** One step of a prepare script; `params` depends on `type`. */
export const PrepareStepSchema = z.discriminatedUnion("type", stepOptions);
export type PrepareStep = { [T in PrepareStepType]: z.infer<StepSchemas[T]> }[PrepareStepType];
export type PrepareStepOf<T extends PrepareStepType> = z.infer<StepSchemas[T]>;

export const PrepareParamsSchema = z
  .object({
    steps: z
      .array(PrepareStepSchema)
      .max(5000)
      .superRefine((steps, ctx) => {
        const seen = new Set<string>();
        steps.forEach((s, i) => {
          if (seen.has(s.id) || s.id === "prepare") {
            ctx.addIssue({
              code: "custom",
              path: [i, "id"],
              message: `step id "${s.id}" is used twice (or is the reserved id "prepare")`,
            });
          }
          seen.add(s.id);
        });
      }),
  })
  .strict();
export type PrepareParams = z.infer<typeof PrepareParamsSchema>;
