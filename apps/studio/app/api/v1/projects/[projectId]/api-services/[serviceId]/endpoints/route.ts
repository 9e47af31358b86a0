import { handle } from "@/server/http/handler.ts";
import { createApiEndpoint } from "@/server/services/api-services.ts";
import { api } from "@/shared/api/endpoints.ts";

// POST /api/v1/projects/{projectId}/api-services/{serviceId}/endpoints - another endpoint
export const POST = handle(api.createApiEndpoint, ({ params, body }) =>
  createApiEndpoint(params.projectId, params.serviceId, body),
);
