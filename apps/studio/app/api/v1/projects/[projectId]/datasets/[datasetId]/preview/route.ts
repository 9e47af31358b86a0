import { handle } from "@/server/http/handler.ts";
import { previewDataset } from "@/server/services/datasets.ts";
import { api } from "@/shared/api/endpoints.ts";

// GET /api/v1/projects/:projectId/datasets/:datasetId/preview?limit&offset - rows of the current version
export const GET = handle(api.previewDataset, ({ params, query }) =>
  previewDataset(params.projectId, params.datasetId, query),
);
