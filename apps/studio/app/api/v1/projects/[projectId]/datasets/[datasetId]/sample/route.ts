import { api } from "@/server/http/endpoints.ts";
import { handle } from "@/server/http/handler.ts";
import { queryDatasetSample } from "@/server/services/dataset-sample.ts";

// POST /api/v1/projects/:projectId/datasets/:datasetId/sample - rows of the sample, filtered and sorted
export const POST = handle(api.querySample, ({ params, body }) =>
  queryDatasetSample(params.projectId, params.datasetId, body),
);
