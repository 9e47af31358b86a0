import { z } from "zod";

/**
 * Postgres stores names, descriptions and recipes (as JSON), and neither it nor the engines take a
 * NUL character (U+0000): a text with one is refused here, as a 400 that says so, not as a 500
 * from the database. For a string, or a union holding strings (a filter value).
 */
export const noNul = (value: unknown): boolean => typeof value !== "string" || !value.includes("\u0000");
export const NUL_MESSAGE = "contains a NUL character (\\u0000): remove it";

/** `z.string()` refusing NUL characters: every free-text field of a recipe or an API body. */
export const nulFreeString = () => z.string().refine(noNul, { message: NUL_MESSAGE, abort: true });

/** A column of the recipe's input, by its exact name. */
export const RecipeColumnNameSchema = nulFreeString().min(1).max(256);

/** An output column name chosen by the user. */
export const RecipeOutputNameSchema = nulFreeString().min(1).max(256);

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
