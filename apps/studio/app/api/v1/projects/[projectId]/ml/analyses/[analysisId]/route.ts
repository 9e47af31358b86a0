import { handle } from "@/server/http/handler.ts";
import { deleteAnalysis, getAnalysis, updateAnalysis } from "@/server/services/ml-lab.ts";
import { api } from "@/shared/api/endpoints.ts";

// GET /api/v1/projects/:projectId/ml/analyses/:analysisId
export const GET = handle(api.getAnalysis, ({ params }) => getAnalysis(params.projectId, params.analysisId));

// PUT /api/v1/projects/:projectId/ml/analyses/:analysisId - save the design
export const PUT = handle(api.updateAnalysis, ({ params, body }) =>
  updateAnalysis(params.projectId, params.analysisId, body),
);

// DELETE /api/v1/projects/:projectId/ml/analyses/:analysisId
export const DELETE = handle(api.deleteAnalysis, async ({ params }) => {
  await deleteAnalysis(params.projectId, params.analysisId);
  return { ok: true as const };
});
