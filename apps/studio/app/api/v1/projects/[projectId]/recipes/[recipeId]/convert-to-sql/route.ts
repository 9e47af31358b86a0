import { api } from "@/server/http/endpoints.ts";
import { handle } from "@/server/http/handler.ts";
import { convertRecipeToSqlInPlace } from "@/server/services/convert-recipe.ts";

// POST /api/v1/projects/:projectId/recipes/:recipeId/convert-to-sql - visual recipe -> SQL recipe (one-way)
export const POST = handle(api.convertRecipeToSql, ({ params, body }) =>
  convertRecipeToSqlInPlace(params.projectId, params.recipeId, body.revision),
);
