import { handle } from "@/server/http/handler.ts";
import { previewRecipe } from "@/server/services/recipe-preview.ts";
import { api } from "@/shared/api/endpoints.ts";

// POST /api/v1/projects/:projectId/recipes/preview - a draft recipe's SQL, schema and rows on a sample
export const POST = handle(api.previewRecipe, ({ params, body }) => previewRecipe(params.projectId, body));
