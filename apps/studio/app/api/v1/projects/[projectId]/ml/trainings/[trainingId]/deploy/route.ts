import { handle } from "@/server/http/handler.ts";
import { deployModel } from "@/server/services/saved-models.ts";
import { api } from "@/shared/api/endpoints.ts";

// POST /api/v1/projects/:projectId/ml/trainings/:trainingId/deploy - deploy a model to the Flow
export const POST = handle(api.deployModel, ({ user, params, body }) =>
  deployModel(user, params.projectId, params.trainingId, body),
);
