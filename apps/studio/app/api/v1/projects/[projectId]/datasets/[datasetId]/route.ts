import { api } from "@/server/http/endpoints.ts";
import { handle } from "@/server/http/handler.ts";
import { getDataset } from "@/server/services/datasets.ts";

// GET /api/v1/projects/:projectId/datasets/:datasetId - a dataset
export const GET = handle(api.getDataset, ({ params }) => getDataset(params.projectId, params.datasetId));
