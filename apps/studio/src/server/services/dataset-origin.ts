import "server-only";
import { ctx } from "../context.ts";

/**
 * Whether a recipe writes this dataset. Its data then comes from running the recipe: importing a
 * file over it would be replaced by the next build, so it is offered only for imported datasets.
 */
export async function isRecipeOutput(datasetId: string): Promise<boolean> {
  return (await ctx().db.recipeIo.count({ where: { datasetId, role: "OUTPUT" } })) > 0;
}
