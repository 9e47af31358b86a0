import { handle } from "@/server/http/handler.ts";
import { deleteRecipe, getRecipe, updateRecipe } from "@/server/services/recipes.ts";
import { api } from "@/shared/api/endpoints.ts";

// GET /api/v1/projects/:projectId/recipes/:recipeId - a recipe
export const GET = handle(api.getRecipe, ({ params }) => getRecipe(params.projectId, params.recipeId));

// PUT /api/v1/projects/:projectId/recipes/:recipeId - update (optimistic concurrency on `revision`)
export const PUT = handle(api.updateRecipe, ({ params, body }) =>
  updateRecipe(params.projectId, params.recipeId, body),
);

// DELETE /api/v1/projects/:projectId/recipes/:recipeId - delete
export const DELETE = handle(api.deleteRecipe, async ({ params }) => {
  await deleteRecipe(params.projectId, params.recipeId);
  return null;
});
