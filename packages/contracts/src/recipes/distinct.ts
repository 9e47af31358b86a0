import { z } from "zod";
import { RecipeColumnNameSchema } from "./common.ts";

export const DistinctParamsSchema = z
  .object({
    columns: z
      .array(RecipeColumnNameSchema)
      .min(1)
      .optional()
      .describe("Columns that define a duplicate, and the only ones kept; absent: all columns"),
    duplicateCount: z
      .boolean()
      .default(false)
      .describe("Add a `count` column with how many rows were merged"),
  })
  .strict();
export type DistinctParams = z.infer<typeof DistinctParamsSchema>;
