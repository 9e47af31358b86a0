import { z } from "zod";
import { RecipeColumnNameSchema } from "./common.ts";
import { FilterConditionSchema, FilterValueSchema } from "./filter.ts";

const OtherRowsSchema = z
  .boolean()
  .default(true)
  .describe("Also write the rows no output took to a last 'other rows' output");

/**
 * The "Split" recipe: one input dispatched to several outputs. Outputs are, in order, one per
 * entry of `outputs` (rules, values) or `ratios` (random), then the "other rows" output when
 * `otherRows` is true. A split always ends a pipeline (each output is written).
 */
export const SplitParamsSchema = z.discriminatedUnion("mode", [
  z
    .object({
      mode: z.literal("rules"),
      outputs: z
        .array(FilterConditionSchema)
        .min(1)
        .max(64)
        .describe("Per output, the filter rules (the Sample/Filter recipe's) its rows match"),
      dispatch: z
        .enum(["firstMatch", "allMatching"])
        .default("firstMatch")
        .describe("firstMatch: a row goes to the first output it matches; allMatching: to every one"),
      otherRows: OtherRowsSchema,
    })
    .strict(),
  z
    .object({
      mode: z.literal("values"),
      column: RecipeColumnNameSchema,
      outputs: z
        .array(
          z
            .object({
              values: z
                .array(z.union([FilterValueSchema, z.null()]))
                .min(1)
                .max(10_000)
                .describe("Values of `column` sent to this output; null sends the NULLs"),
            })
            .strict(),
        )
        .min(1)
        .max(64),
      otherRows: OtherRowsSchema,
    })
    .strict(),
  z
    .object({
      mode: z.literal("random"),
      ratios: z
        .array(z.number().gt(0).max(1))
        .min(1)
        .max(64)
        .describe("Share of the rows per output; at most 1 in total, the rest are 'other rows'"),
      seed: z.number().int().min(0).max(2_147_483_647).default(0),
      columns: z
        .array(RecipeColumnNameSchema)
        .min(1)
        .optional()
        .describe("Columns the row hash reads; absent: all columns"),
      otherRows: OtherRowsSchema,
    })
    .strict()
    .describe("Same hash as the Sample/Filter recipe's ratio sampling: same rows on every engine"),
]);
export type SplitParams = z.infer<typeof SplitParamsSchema>;
