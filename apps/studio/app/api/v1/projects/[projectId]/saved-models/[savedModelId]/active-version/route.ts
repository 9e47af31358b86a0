import { handle } from "@/server/http/handler.ts";
import { setActiveVersion } from "@/server/services/saved-models.ts";
import { api } from "@/shared/api/endpoints.ts";

// PUT /api/v1/projects/:projectId/saved-models/:savedModelId/active-version - roll back or forward
export const PUT = handle(api.setActiveVersion, ({ params, body }) =>
  setActiveVersion(params.projectId, params.savedModelId, body.versionId),
);
