import { handle } from "@/server/http/handler.ts";
import { startTraining } from "@/server/services/ml-lab.ts";
import { api } from "@/shared/api/endpoints.ts";

// POST /api/v1/projects/:projectId/ml/analyses/:analysisId/trainings - train the saved design
export const POST = handle(api.train, ({ user, params }) =>
  startTraining(user, params.projectId, params.analysisId),
);
