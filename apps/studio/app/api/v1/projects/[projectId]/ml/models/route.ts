import { handle } from "@/server/http/handler.ts";
import { listModels } from "@/server/services/ml-lab.ts";
import { api } from "@/shared/api/endpoints.ts";

// GET /api/v1/projects/:projectId/ml/models - every trained model, to compare
export const GET = handle(api.listModels, ({ params }) => listModels(params.projectId));
