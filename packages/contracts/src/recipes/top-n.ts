import { z } from "zod";
import { nulFreeString, RecipeColumnNameSchema, RecipeSortKeySchema } from "./common.ts";

export const TopNParamsSchema = z
  .object({
    partitionBy: z.array(RecipeColumnNameSchema).default([]).describe("Groups; empty: the whole dataset"),
    orderBy: z.array(RecipeSortKeySchema).min(1).describe("What 'top' means: first rows in this order"),
    n: z.number().int().min(0).max(1_000_000_000).describe("Rows to keep per group"),
    ranking: z
      .enum(["rowNumber", "rank", "denseRank"])
      .default("rowNumber")
      .describe("rowNumber: exactly n rows, ties broken arbitrarily; rank/denseRank: keep all ties"),
    rankColumn: nulFreeString().min(1).max(256).optional().describe("Also output the rank under this name"),
  })
  .strict();
export type TopNParams = z.infer<typeof TopNParamsSchema>;
