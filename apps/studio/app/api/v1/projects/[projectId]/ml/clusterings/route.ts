import { handle } from "@/server/http/handler.ts";
import { createClustering, listClusterings } from "@/server/services/ml-clustering.ts";
import { api } from "@/shared/api/endpoints.ts";

// GET /api/v1/projects/:projectId/ml/clusterings - the Lab's clustering analyses
export const GET = handle(api.listClusterings, ({ params }) => listClusterings(params.projectId));

// POST /api/v1/projects/:projectId/ml/clusterings - create a clustering on a dataset
export const POST = handle(api.createClustering, ({ user, params, body }) =>
  createClustering(user, params.projectId, body),
);
