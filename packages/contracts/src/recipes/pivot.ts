import { z } from "zod";
import { RecipeColumnNameSchema, RecipeOutputNameSchema } from "./common.ts";
import { FilterValueSchema } from "./filter.ts";
import { GroupAggregationFnSchema } from "./group.ts";

export const PivotAggregationSchema = z
  .object({
    column: RecipeColumnNameSchema.optional().describe(
      "Column to aggregate; absent only for count (count rows)",
    ),
    fn: GroupAggregationFnSchema.describe("first/last are not available in a pivot"),
    as: RecipeOutputNameSchema.optional().describe(
      "Suffix of the output names; defaults to <column>_<fn> or count",
    ),
  })
  .strict();
export type PivotAggregation = z.infer<typeof PivotAggregationSchema>;

export const PivotParamsSchema = z
  .object({
    keys: z
      .array(RecipeColumnNameSchema)
      .default([])
      .describe("Row identifiers: one output row per combination"),
    pivotColumn: RecipeColumnNameSchema.describe("Each of its values becomes a group of output columns"),
    values: z
      .array(FilterValueSchema.nullable())
      .min(1)
      .max(1000)
      .optional()
      .describe("Pivot values to use; absent: the values passed to the compiler (computed from the data)"),
    aggregations: z.array(PivotAggregationSchema).min(1),
  })
  .strict();
export type PivotParams = z.infer<typeof PivotParamsSchema>;
