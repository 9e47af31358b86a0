import { handle } from "@/server/http/handler.ts";
import { downloadDataset } from "@/server/services/download-dataset.ts";
import { api } from "@/shared/api/endpoints.ts";

// GET /api/v1/projects/:projectId/datasets/:datasetId/download?format=csv|parquet - streamed file
export const GET = handle(api.downloadDataset, ({ params, query }) =>
  downloadDataset(params.projectId, params.datasetId, query.format),
);
