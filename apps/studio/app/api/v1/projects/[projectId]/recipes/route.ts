import { handle } from "@/server/http/handler.ts";
import { createRecipe, listRecipes } from "@/server/services/recipes.ts";
import { api } from "@/shared/api/endpoints.ts";

// GET /api/v1/projects/:projectId/recipes - recipes of a project
export const GET = handle(api.listRecipes, ({ params }) => listRecipes(params.projectId));

// POST /api/v1/projects/:projectId/recipes - create a recipe
export const POST = handle(api.createRecipe, ({ params, body }) => createRecipe(params.projectId, body));
