import { z } from "zod";
import { RecipeSortKeySchema } from "./common.ts";

export const SortParamsSchema = z
  .object({
    keys: z.array(RecipeSortKeySchema).min(1).describe("Sort keys, most significant first"),
  })
  .strict();
export type SortParams = z.infer<typeof SortParamsSchema>;
