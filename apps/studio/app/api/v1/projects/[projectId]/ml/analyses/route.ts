import { handle } from "@/server/http/handler.ts";
import { createAnalysis, listAnalyses } from "@/server/services/ml-lab.ts";
import { api } from "@/shared/api/endpoints.ts";

// GET /api/v1/projects/:projectId/ml/analyses - the Lab's analyses
export const GET = handle(api.listAnalyses, ({ params }) => listAnalyses(params.projectId));

// POST /api/v1/projects/:projectId/ml/analyses - create a model on a dataset
export const POST = handle(api.createAnalysis, ({ user, params, body }) =>
  createAnalysis(user, params.projectId, body),
);
