import { api } from "@/server/http/endpoints.ts";
import { handle } from "@/server/http/handler.ts";
import { deleteSavedModel, getSavedModel } from "@/server/services/saved-models.ts";

// GET /api/v1/projects/:projectId/saved-models/:savedModelId
export const GET = handle(api.getSavedModel, ({ params }) =>
  getSavedModel(params.projectId, params.savedModelId),
);

// DELETE /api/v1/projects/:projectId/saved-models/:savedModelId
export const DELETE = handle(api.deleteSavedModel, async ({ params }) => {
  await deleteSavedModel(params.projectId, params.savedModelId);
  return { ok: true as const };
});
