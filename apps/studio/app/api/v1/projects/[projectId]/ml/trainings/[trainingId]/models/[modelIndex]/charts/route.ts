import { handle } from "@/server/http/handler.ts";
import { getModelCharts } from "@/server/services/ml-lab.ts";
import { api } from "@/shared/api/endpoints.ts";

// GET /api/v1/projects/:projectId/ml/trainings/:trainingId/models/:modelIndex/charts
export const GET = handle(api.modelCharts, ({ params }) =>
  getModelCharts(params.projectId, params.trainingId, params.modelIndex),
);
