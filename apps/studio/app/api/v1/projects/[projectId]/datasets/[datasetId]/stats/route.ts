import { handle } from "@/server/http/handler.ts";
import { getDatasetStats } from "@/server/services/dataset-sample.ts";
import { api } from "@/shared/api/endpoints.ts";

// GET /api/v1/projects/:projectId/datasets/:datasetId/stats - column quality and statistics on the sample
export const GET = handle(api.getStats, ({ params }) => getDatasetStats(params.projectId, params.datasetId));
