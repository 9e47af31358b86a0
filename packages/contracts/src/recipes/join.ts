import { z } from "zod";
import { nulFreeString, RecipeColumnNameSchema } from "./common.ts";

export const JoinTypeSchema = z.enum(["inner", "left", "right", "full", "cross", "leftAnti"]);
export type JoinType = z.infer<typeof JoinTypeSchema>;

export const JoinKeyPairSchema = z
  .object({
    left: RecipeColumnNameSchema.describe("Column of the first input"),
    right: RecipeColumnNameSchema.describe("Column of the second input"),
  })
  .strict();
export type JoinKeyPair = z.infer<typeof JoinKeyPairSchema>;

const PrefixSchema = nulFreeString().min(1).max(64);

export const JoinParamsSchema = z
  .object({
    type: JoinTypeSchema.describe("leftAnti: rows of the first input with no match in the second"),
    on: z
      .array(JoinKeyPairSchema)
      .default([])
      .describe("Equality conditions, all required (AND); empty only for cross joins. NULL keys never match"),
    leftPrefix: PrefixSchema.optional().describe("Prepended to every output column from the first input"),
    rightPrefix: PrefixSchema.optional().describe("Prepended to every output column from the second input"),
    dropRightKeys: z
      .boolean()
      .default(true)
      .describe(
        "Omit the second input's key columns; for right/full joins the first input's keys become coalesce(left, right), as with USING",
      ),
  })
  .strict();
export type JoinParams = z.infer<typeof JoinParamsSchema>;
