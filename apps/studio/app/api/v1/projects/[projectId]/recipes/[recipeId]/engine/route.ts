import { handle } from "@/server/http/handler.ts";
import { getRecipeEngine, setRecipeEngine } from "@/server/services/databricks-engine-choice.ts";
import { api } from "@/shared/api/endpoints.ts";

export const GET = handle(api.getRecipeEngine, ({ params }) =>
  getRecipeEngine(params.projectId, params.recipeId),
);

export const PUT = handle(api.setRecipeEngine, ({ params, body }) =>
  setRecipeEngine(params.projectId, params.recipeId, body.engine),
);
