import type { PrepareStepType } from "@sous/contracts";
import type { StepModule } from "../step.ts";
import absoluteValue from "./absolute-value.ts";
import addPrefixSuffix from "./add-prefix-suffix.ts";
import binnerProcessor from "./binner-processor.ts";
import booleanNot from "./boolean-not.ts";
import changeCase from "./change-case.ts";
import clearCellsOnValue from "./clear-cells-on-value.ts";
import columnCopier from "./column-copier.ts";
import columnPseudonymization from "./column-pseudonymization.ts";
import columnRenamer from "./column-renamer.ts";
import columnReorder from "./column-reorder.ts";
import columnSplitter from "./column-splitter.ts";
import columnsConcat from "./columns-concat.ts";
import columnsSelector from "./columns-selector.ts";
import createColumnWithGrel from "./create-column-with-grel.ts";
import currencyConverter from "./currency-converter.ts";
import dateComponentsExtractor from "./date-components-extractor.ts";
import dateDifference from "./date-difference.ts";
import dateFormatter from "./date-formatter.ts";
import dateIncrement from "./date-increment.ts";
import dateParser from "./date-parser.ts";
import dateTruncate from "./date-truncate.ts";
import deduplicate from "./deduplicate.ts";
import emailSplitter from "./email-splitter.ts";
import expTransform from "./exp-transform.ts";
import extractNumbers from "./extract-numbers.ts";
import fillColumn from "./fill-column.ts";
import fillEmptyWithValue from "./fill-empty-with-value.ts";
import filterOnBadType from "./filter-on-bad-type.ts";
import filterOnDate from "./filter-on-date.ts";
import filterOnFormula from "./filter-on-formula.ts";
import filterOnNumericalRange from "./filter-on-numerical-range.ts";
import filterOnRegex from "./filter-on-regex.ts";
import filterOnValue from "./filter-on-value.ts";
import findReplace from "./find-replace.ts";
import flagOnBadType from "./flag-on-bad-type.ts";
import flagOnEmpty from "./flag-on-empty.ts";
import flagOnNumericalRange from "./flag-on-numerical-range.ts";
import flagOnRegex from "./flag-on-regex.ts";
import flagOnValue from "./flag-on-value.ts";
import flagWeekend from "./flag-weekend.ts";
import holidaysComputer from "./holidays-computer.ts";
import jsonFlattener from "./json-flattener.ts";
import logTransform from "./log-transform.ts";
import longTailGrouper from "./long-tail-grouper.ts";
import matchCounter from "./match-counter.ts";
import minMaxProcessor from "./min-max-processor.ts";
import multiColumnByPatternFold from "./multi-column-by-pattern-fold.ts";
import multiColumnFold from "./multi-column-fold.ts";
import normalizeWhitespace from "./normalize-whitespace.ts";
import padString from "./pad-string.ts";
import regexpExtractor from "./regexp-extractor.ts";
import removeAccents from "./remove-accents.ts";
import removeRowsOnEmpty from "./remove-rows-on-empty.ts";
import roundProcessor from "./round-processor.ts";
import rowMean from "./row-mean.ts";
import stringLength from "./string-length.ts";
import timezoneConverter from "./timezone-converter.ts";
import trimWhitespace from "./trim-whitespace.ts";
import truncateString from "./truncate-string.ts";
import typeConverter from "./type-converter.ts";
import unfold from "./unfold.ts";
import unixTimestampParser from "./unix-timestamp-parser.ts";
import upDownFiller from "./up-down-filler.ts";
import urlSplitter from "./url-splitter.ts";
import userAgentParser from "./user-agent-parser.ts";
import valueMapper from "./value-mapper.ts";
import zScore from "./z-score.ts";

/**
 * Every prepare step type's module. The mapped type makes a type listed in the contracts'
 * PREPARE_STEP_PARAMS without a module a compile error: adding a step = a params schema there
 * plus a module here (e.g. the formula language's CreateColumnWithGREL / FilterOnCustomFormula).
 */
export const STEP_MODULES: { readonly [T in PrepareStepType]: StepModule<T> } = {
  AbsoluteValue: absoluteValue,
  AddPrefixSuffix: addPrefixSuffix,
  BinnerProcessor: binnerProcessor,
  BooleanNot: booleanNot,
  ChangeCase: changeCase,
  ClearCellsOnValue: clearCellsOnValue,
  ColumnCopier: columnCopier,
  ColumnPseudonymization: columnPseudonymization,
  ColumnRenamer: columnRenamer,
  ColumnReorder: columnReorder,
  ColumnSplitter: columnSplitter,
  ColumnsConcat: columnsConcat,
  ColumnsSelector: columnsSelector,
  CurrencyConverter: currencyConverter,
  DateComponentsExtractor: dateComponentsExtractor,
  DateDifference: dateDifference,
  DateFormatter: dateFormatter,
  DateIncrement: dateIncrement,
  DateParser: dateParser,
  DateTruncate: dateTruncate,
  Deduplicate: deduplicate,
  EmailSplitter: emailSplitter,
  ExpTransform: expTransform,
  ExtractNumbers: extractNumbers,
  FillColumn: fillColumn,
  FillEmptyWithValue: fillEmptyWithValue,
  FilterOnBadType: filterOnBadType,
  FilterOnDate: filterOnDate,
  FilterOnNumericalRange: filterOnNumericalRange,
  FilterOnRegex: filterOnRegex,
  CreateColumnWithGREL: createColumnWithGrel,
  FilterOnFormula: filterOnFormula,
  FilterOnValue: filterOnValue,
  FindReplace: findReplace,
  FlagOnBadType: flagOnBadType,
  FlagOnEmpty: flagOnEmpty,
  FlagOnNumericalRange: flagOnNumericalRange,
  FlagOnRegex: flagOnRegex,
  FlagOnValue: flagOnValue,
  FlagWeekend: flagWeekend,
  HolidaysComputer: holidaysComputer,
  JSONFlattener: jsonFlattener,
  LogTransform: logTransform,
  LongTailGrouper: longTailGrouper,
  MatchCounter: matchCounter,
  MinMaxProcessor: minMaxProcessor,
  MultiColumnByPatternFold: multiColumnByPatternFold,
  MultiColumnFold: multiColumnFold,
  NormalizeWhitespace: normalizeWhitespace,
  PadString: padString,
  RegexpExtractor: regexpExtractor,
  RemoveAccents: removeAccents,
  RemoveRowsOnEmpty: removeRowsOnEmpty,
  RoundProcessor: roundProcessor,
  RowMean: rowMean,
  StringLength: stringLength,
  TimezoneConverter: timezoneConverter,
  TrimWhitespace: trimWhitespace,
  TruncateString: truncateString,
  TypeConverter: typeConverter,
  UNIXTimestampParser: unixTimestampParser,
  URLSplitter: urlSplitter,
  Unfold: unfold,
  UpDownFiller: upDownFiller,
  UserAgentParser: userAgentParser,
  ValueMapper: valueMapper,
  ZScore: zScore,
};
