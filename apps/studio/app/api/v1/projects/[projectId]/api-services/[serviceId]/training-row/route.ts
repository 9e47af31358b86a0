import { handle } from "@/server/http/handler.ts";
import { trainingRow } from "@/server/services/api-services.ts";
import { api } from "@/shared/api/endpoints.ts";

// GET /api/v1/projects/{projectId}/api-services/{serviceId}/training-row?endpoint=...&index=...
// - a row of the served model's training dataset, for the test form
export const GET = handle(api.getApiServiceTrainingRow, ({ params, query }) =>
  trainingRow(params.projectId, params.serviceId, query.endpoint, query.index),
);
