import { z } from "zod";
import { RecipeColumnNameSchema, RecipeOutputNameSchema } from "./common.ts";

export const SyncColumnSchema = z
  .object({
    column: RecipeColumnNameSchema.describe("Input column to copy"),
    as: RecipeOutputNameSchema.optional().describe("Output name; defaults to the input name"),
  })
  .strict();
export type SyncColumn = z.infer<typeof SyncColumnSchema>;

export const SyncParamsSchema = z
  .object({
    columns: z
      .array(SyncColumnSchema)
      .min(1)
      .optional()
      .describe("Columns to keep, in output order; absent: every column, unchanged"),
  })
  .strict();
export type SyncParams = z.infer<typeof SyncParamsSchema>;
