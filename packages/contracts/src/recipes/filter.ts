import { z } from "zod";
import { FormulaFilterRuleSchema } from "../formula/index.ts";
import { NUL_MESSAGE, noNul, RecipeColumnNameSchema } from "./common.ts";

/**
 * Operators of a filter rule. Which ones apply depends on the column's type (checked by the
 * compiler): text ops need a string column, ordering ops a number/date/timestamp/string column.
 * Comparisons follow SQL: a rule on a NULL value is not true, so `notEquals` drops NULLs.
 */
export const FilterOperatorSchema = z.enum([
  "isNull",
  "isNotNull",
  "equals",
  "notEquals",
  "lt",
  "lte",
  "gt",
  "gte",
  "between",
  "in",
  "notIn",
  "contains",
  "startsWith",
  "endsWith",
  "matchesRegex",
  "isEmpty",
  "isNotEmpty",
  "isTrue",
  "isFalse",
]);
export type FilterOperator = z.infer<typeof FilterOperatorSchema>;

/** Dates as "YYYY-MM-DD", timestamps as "YYYY-MM-DD HH:MM:SS[.ffffff]", decimals as number or text. */
export const FilterValueSchema = z
  .union([z.string().max(10_000), z.number(), z.boolean()])
  .refine(noNul, NUL_MESSAGE);
export type FilterValue = z.infer<typeof FilterValueSchema>;

export const FilterRuleSchema = z
  .object({
    column: RecipeColumnNameSchema,
    op: FilterOperatorSchema,
    value: FilterValueSchema.optional().describe(
      "Operand of comparisons and text ops; lower bound of `between`",
    ),
    max: FilterValueSchema.optional().describe("Upper bound of `between` (inclusive)"),
    values: z.array(FilterValueSchema).min(1).max(10_000).optional().describe("Operands of `in` / `notIn`"),
  })
  .strict();
export type FilterRule = z.infer<typeof FilterRuleSchema>;

export const FilterConditionSchema = z
  .object({
    combine: z.enum(["and", "or"]).default("and"),
    rules: z
      .array(z.union([FilterRuleSchema, FormulaFilterRuleSchema]))
      .min(1)
      .describe("Column rules, or { kind: 'formula', formula } rules whose formula is a condition"),
  })
  .strict();
export type FilterCondition = z.infer<typeof FilterConditionSchema>;

export const SamplingSchema = z.discriminatedUnion("method", [
  z.object({ method: z.literal("all") }).strict(),
  z
    .object({ method: z.literal("firstN"), n: z.number().int().min(0).max(1_000_000_000) })
    .strict()
    .describe("Any N rows (no defined order)"),
  z
    .object({
      method: z.literal("randomRatio"),
      ratio: z.number().gt(0).max(1),
      seed: z.number().int().min(0).max(2_147_483_647).default(0),
      columns: z
        .array(RecipeColumnNameSchema)
        .min(1)
        .optional()
        .describe("Columns the row hash reads; absent: all columns"),
    })
    .strict()
    .describe(
      "Keeps a row when a hash of its values and the seed falls under the ratio: same rows on every engine",
    ),
]);
export type Sampling = z.infer<typeof SamplingSchema>;

export const FilterParamsSchema = z
  .object({
    filter: FilterConditionSchema.optional().describe("Rows to keep; absent: all rows"),
    sampling: SamplingSchema.default({ method: "all" }).describe("Applied after the filter"),
  })
  .strict();
export type FilterParams = z.infer<typeof FilterParamsSchema>;
