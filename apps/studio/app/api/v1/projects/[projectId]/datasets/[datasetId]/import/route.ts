import { handle } from "@/server/http/handler.ts";
import { importDataset } from "@/server/services/import-dataset.ts";
import { api } from "@/shared/api/endpoints.ts";

// POST /api/v1/projects/:projectId/datasets/:datasetId/import - replace the data as a new version
export const POST = handle(api.reimportDataset, ({ params, body }) =>
  importDataset({
    projectId: params.projectId,
    target: { datasetId: params.datasetId },
    source: body.source,
  }),
);
