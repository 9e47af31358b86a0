import { handle } from "@/server/http/handler.ts";
import { deleteDataset, getDataset, updateDataset } from "@/server/services/datasets.ts";
import { api } from "@/shared/api/endpoints.ts";

// GET /api/v1/projects/:projectId/datasets/:datasetId - a dataset
export const GET = handle(api.getDataset, ({ params }) => getDataset(params.projectId, params.datasetId));

// PATCH /api/v1/projects/:projectId/datasets/:datasetId - rename (unique in the project) or describe
export const PATCH = handle(api.updateDataset, ({ params, body }) =>
  updateDataset(params.projectId, params.datasetId, body),
);

// DELETE /api/v1/projects/:projectId/datasets/:datasetId[?force=true] - delete with its versions
export const DELETE = handle(api.deleteDataset, ({ params, query }) =>
  deleteDataset(params.projectId, params.datasetId, { force: query.force === "true" }),
);
