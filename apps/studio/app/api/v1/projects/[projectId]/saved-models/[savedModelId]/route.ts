import { handle } from "@/server/http/handler.ts";
import { deleteSavedModel, getSavedModel } from "@/server/services/saved-models.ts";
import { api } from "@/shared/api/endpoints.ts";

// GET /api/v1/projects/:projectId/saved-models/:savedModelId
export const GET = handle(api.getSavedModel, ({ params }) =>
  getSavedModel(params.projectId, params.savedModelId),
);

// DELETE /api/v1/projects/:projectId/saved-models/:savedModelId
export const DELETE = handle(api.deleteSavedModel, async ({ params, query }) => {
  await deleteSavedModel(params.projectId, params.savedModelId, { force: query.force === "true" });
  return { ok: true as const };
});
