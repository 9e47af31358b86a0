import { handle } from "@/server/http/handler.ts";
import { getClustering, updateClustering } from "@/server/services/ml-clustering.ts";
import { api } from "@/shared/api/endpoints.ts";

// GET /api/v1/projects/:projectId/ml/clusterings/:analysisId
export const GET = handle(api.getClustering, ({ params }) =>
  getClustering(params.projectId, params.analysisId),
);

// PUT /api/v1/projects/:projectId/ml/clusterings/:analysisId - save the design
export const PUT = handle(api.updateClustering, ({ params, body }) =>
  updateClustering(params.projectId, params.analysisId, body),
);
