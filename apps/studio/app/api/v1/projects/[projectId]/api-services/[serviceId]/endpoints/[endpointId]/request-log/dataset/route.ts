import { handle } from "@/server/http/handler.ts";
import { requestLogDataset } from "@/server/services/request-log-dataset.ts";
import { api } from "@/shared/api/endpoints.ts";

// POST /api/v1/projects/{projectId}/api-services/{serviceId}/endpoints/{endpointId}/request-log/dataset
// - the endpoint's sampled request log as a dataset (new, or its next version), for monitoring
export const POST = handle(api.requestLogDataset, ({ params, body }) =>
  requestLogDataset({ ...params, name: body.name, ...(body.rows ? { maxRows: body.rows } : {}) }),
);
