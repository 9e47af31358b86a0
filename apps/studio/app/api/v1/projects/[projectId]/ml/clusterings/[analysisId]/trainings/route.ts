import { handle } from "@/server/http/handler.ts";
import { startClustering } from "@/server/services/ml-clustering.ts";
import { api } from "@/shared/api/endpoints.ts";

// POST /api/v1/projects/:projectId/ml/clusterings/:analysisId/trainings - cluster with the saved design
export const POST = handle(api.trainClustering, ({ user, params }) =>
  startClustering(user, params.projectId, params.analysisId),
);
