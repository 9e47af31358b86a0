import { handle } from "@/server/http/handler.ts";
import { retrainSavedModel } from "@/server/services/saved-models.ts";
import { api } from "@/shared/api/endpoints.ts";

// POST /api/v1/projects/:projectId/saved-models/:savedModelId/retrain - train again, deploy as a new version
export const POST = handle(api.retrainSavedModel, ({ user, params, body }) =>
  retrainSavedModel(user, params.projectId, params.savedModelId, body),
);
