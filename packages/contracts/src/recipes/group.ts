import { z } from "zod";
import { FormulaTextSchema } from "../formula/index.ts";
import { nulFreeString } from "./common.ts";

export const GroupAggregationFnSchema = z.enum([
  "count",
  "countDistinct",
  "sum",
  "avg",
  "min",
  "max",
  "stddev",
  "variance",
  "first",
  "last",
  "concat",
]);
export type GroupAggregationFn = z.infer<typeof GroupAggregationFnSchema>;

export const GroupAggregationSchema = z
  .object({
    column: nulFreeString().min(1).describe("Input column to aggregate"),
    fn: GroupAggregationFnSchema,
    as: nulFreeString().min(1).max(256).optional().describe("Output column name; defaults to <column>_<fn>"),
  })
  .strict();
export type GroupAggregation = z.infer<typeof GroupAggregationSchema>;

/** DSS's custom aggregation: a formula over aggregations and group keys, e.g. sum(qty * price). */
export const GroupCustomAggregationSchema = z
  .object({
    formula: FormulaTextSchema.describe("e.g. sum(qty * price) / count(), max(amount) - min(amount)"),
    as: nulFreeString().min(1).max(256).describe("Output column name"),
  })
  .strict();
export type GroupCustomAggregation = z.infer<typeof GroupCustomAggregationSchema>;

export const GroupParamsSchema = z
  .object({
    keys: z.array(nulFreeString().min(1)).describe("Columns to group by (empty: one global row)"),
    aggregations: z.array(GroupAggregationSchema),
    globalCount: z.boolean().default(true).describe("Add a `count` column with the rows per group"),
    customAggregations: z
      .array(GroupCustomAggregationSchema)
      .optional()
      .describe("Aggregations written as formulas, after the per-column ones"),
  })
  .strict();
export type GroupParams = z.infer<typeof GroupParamsSchema>;
