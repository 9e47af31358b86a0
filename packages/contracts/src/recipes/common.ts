import { z } from "zod";

/** A column of the recipe's input, by its exact name. */
export const RecipeColumnNameSchema = z.string().min(1).max(256);

/** An output column name chosen by the user. */
export const RecipeOutputNameSchema = z.string().min(1).max(256);

export const RecipeSortDirectionSchema = z.enum(["asc", "desc"]);
export type RecipeSortDirection = z.infer<typeof RecipeSortDirectionSchema>;

export const RecipeNullsPlacementSchema = z.enum(["first", "last"]);
export type RecipeNullsPlacement = z.infer<typeof RecipeNullsPlacementSchema>;

export const RecipeSortKeySchema = z
  .object({
    column: RecipeColumnNameSchema,
    direction: RecipeSortDirectionSchema.default("asc"),
    nulls: RecipeNullsPlacementSchema.optional().describe(
      "Where NULLs go; defaults to Spark's rule: first when ascending, last when descending",
    ),
  })
  .strict();
export type RecipeSortKey = z.infer<typeof RecipeSortKeySchema>;
