import { z } from "zod";
import { RecipeColumnNameSchema, RecipeOutputNameSchema, RecipeSortKeySchema } from "./common.ts";
import { FilterValueSchema } from "./filter.ts";

export const WindowFnSchema = z.enum([
  "rowNumber",
  "rank",
  "denseRank",
  "lag",
  "lead",
  "sum",
  "cumulativeSum",
  "avg",
  "min",
  "max",
  "count",
  "firstValue",
  "lastValue",
]);
export type WindowFnName = z.infer<typeof WindowFnSchema>;

/** A frame bound: "unbounded", or an offset from the current row (negative: preceding, 0: current row). */
export const WindowFrameBoundSchema = z.union([
  z.literal("unbounded"),
  z.number().int().min(-1_000_000).max(1_000_000),
]);

export const WindowFrameSchema = z
  .object({
    unit: z.enum(["rows", "range"]).default("rows"),
    start: WindowFrameBoundSchema.describe('"unbounded" means UNBOUNDED PRECEDING'),
    end: WindowFrameBoundSchema.describe('"unbounded" means UNBOUNDED FOLLOWING'),
  })
  .strict();
export type WindowFrameSpec = z.infer<typeof WindowFrameSchema>;

export const WindowAggregationSchema = z
  .object({
    fn: WindowFnSchema,
    column: RecipeColumnNameSchema.optional().describe("Input column; not used by rowNumber/rank/denseRank"),
    as: RecipeOutputNameSchema.optional().describe("Output name; defaults to <column>_<fn> or <fn>"),
    offset: z.number().int().min(1).max(1_000_000).optional().describe("lag/lead distance (default 1)"),
    default: FilterValueSchema.optional().describe("lag/lead value when there is no such row (default NULL)"),
    frame: WindowFrameSchema.optional().describe("Aggregate functions only; default: SQL's default frame"),
  })
  .strict();
export type WindowAggregation = z.infer<typeof WindowAggregationSchema>;

export const WindowParamsSchema = z
  .object({
    partitionBy: z.array(RecipeColumnNameSchema).default([]),
    orderBy: z.array(RecipeSortKeySchema).default([]),
    aggregations: z.array(WindowAggregationSchema).min(1),
  })
  .strict();
export type WindowParams = z.infer<typeof WindowParamsSchema>;
