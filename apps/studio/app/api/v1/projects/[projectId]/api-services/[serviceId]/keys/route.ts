import { handle } from "@/server/http/handler.ts";
import { createServiceKey } from "@/server/services/api-services.ts";
import { api } from "@/shared/api/endpoints.ts";

// POST /api/v1/projects/{projectId}/api-services/{serviceId}/keys - a key, returned once
export const POST = handle(api.createApiServiceKey, ({ params, body }) =>
  createServiceKey(params.projectId, params.serviceId, body.name),
);
