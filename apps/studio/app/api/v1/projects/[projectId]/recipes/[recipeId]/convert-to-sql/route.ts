import { handle } from "@/server/http/handler.ts";
import { convertRecipeToSqlInPlace } from "@/server/services/convert-recipe.ts";
import { api } from "@/shared/api/endpoints.ts";

// POST /api/v1/projects/:projectId/recipes/:recipeId/convert-to-sql - visual recipe -> SQL recipe (one-way)
export const POST = handle(api.convertRecipeToSql, ({ params, body }) =>
  convertRecipeToSqlInPlace(params.projectId, params.recipeId, body.revision),
);
