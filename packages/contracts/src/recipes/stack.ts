import { z } from "zod";
import { RecipeOutputNameSchema } from "./common.ts";

export const StackParamsSchema = z
  .object({
    mode: z
      .enum(["byName", "byPosition"])
      .default("byName")
      .describe("byName matches columns by name; byPosition by order, with the first input's names"),
    columns: z
      .enum(["union", "intersection"])
      .default("union")
      .describe("byName only: keep every column (NULL where an input lacks it) or only the shared ones"),
    originColumn: RecipeOutputNameSchema.optional().describe(
      "Add a column holding each row's input dataset name",
    ),
  })
  .strict();
export type StackParams = z.infer<typeof StackParamsSchema>;
