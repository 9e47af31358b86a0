import { handle } from "@/server/http/handler.ts";
import { listSavedModels } from "@/server/services/saved-models.ts";
import { api } from "@/shared/api/endpoints.ts";

// GET /api/v1/projects/:projectId/saved-models
export const GET = handle(api.listSavedModels, ({ params }) => listSavedModels(params.projectId));
