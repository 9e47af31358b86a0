import { handle } from "@/server/http/handler.ts";
import { updateSchema } from "@/server/services/dataset-versions.ts";
import { api } from "@/shared/api/endpoints.ts";

// PUT /api/v1/projects/:projectId/datasets/:datasetId/schema - change column types (checked on the data)
export const PUT = handle(api.updateSchema, ({ params, body }) =>
  updateSchema(params.projectId, params.datasetId, body.columns),
);
