import { handle } from "@/server/http/handler.ts";
import { getSampling, setSampling } from "@/server/services/dataset-sample.ts";
import { api } from "@/shared/api/endpoints.ts";

// GET /api/v1/projects/:projectId/datasets/:datasetId/sampling - the sampling settings
export const GET = handle(api.getSampling, ({ params }) => getSampling(params.projectId, params.datasetId));

// PUT /api/v1/projects/:projectId/datasets/:datasetId/sampling - save them
export const PUT = handle(api.setSampling, ({ params, body }) =>
  setSampling(params.projectId, params.datasetId, body),
);
