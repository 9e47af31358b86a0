import { handle } from "@/server/http/handler.ts";
import { serviceMetrics } from "@/server/services/api-services.ts";
import { api } from "@/shared/api/endpoints.ts";

// GET /api/v1/projects/{projectId}/api-services/{serviceId}/metrics - the API node's counters
export const GET = handle(api.getApiServiceMetrics, ({ params }) =>
  serviceMetrics(params.projectId, params.serviceId),
);
