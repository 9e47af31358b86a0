import { z } from "zod";
import { nulFreeString } from "../recipes/common.ts";

/**
 * The formula language (GREL-like, compiled by @sous/compiler to Spark and DuckDB SQL with
 * Spark's semantics). Formulas are stored as text; the compiler parses and type-checks them
 * against the input schema at compile time.
 */
export const FormulaTextSchema = nulFreeString()
  .min(1)
  .max(10_000)
  .describe('A formula, e.g. amount * 1.2 > 100 && startsWith(country, "F")');

/** A sample/filter rule given as a formula that must be a condition (boolean). */
export const FormulaFilterRuleSchema = z
  .object({
    kind: z.literal("formula"),
    formula: FormulaTextSchema,
  })
  .strict();
export type FormulaFilterRule = z.infer<typeof FormulaFilterRuleSchema>;

export const FormulaErrorCodeSchema = z.enum([
  "syntax",
  "unknown_column",
  "unknown_function",
  "wrong_arity",
  "wrong_type",
  "invalid_argument",
]);

/** A problem in a formula; start/end are UTF-16 offsets into the text (end exclusive). */
export const FormulaErrorSchema = z
  .object({
    code: FormulaErrorCodeSchema,
    message: z.string(),
    start: z.number().int().min(0),
    end: z.number().int().min(0),
  })
  .strict();
export type FormulaErrorDto = z.infer<typeof FormulaErrorSchema>;
