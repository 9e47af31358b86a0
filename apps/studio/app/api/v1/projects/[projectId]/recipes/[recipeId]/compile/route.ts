import { handle } from "@/server/http/handler.ts";
import { compileRecipeForApi } from "@/server/services/recipes.ts";
import { api } from "@/shared/api/endpoints.ts";

// GET /api/v1/projects/:projectId/recipes/:recipeId/compile?engine=spark|duckdb - SQL and schemas
export const GET = handle(api.compileRecipe, ({ params, query }) =>
  compileRecipeForApi(params.projectId, params.recipeId, query.engine),
);

// POST /api/v1/projects/:projectId/recipes/:recipeId/compile?engine=spark|duckdb - the same, read-only
export const POST = handle(api.compileRecipePost, ({ params, query }) =>
  compileRecipeForApi(params.projectId, params.recipeId, query.engine),
);
