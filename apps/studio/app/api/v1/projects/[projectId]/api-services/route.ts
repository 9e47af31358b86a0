import { handle } from "@/server/http/handler.ts";
import { createApiService, listApiServices } from "@/server/services/api-services.ts";
import { api } from "@/shared/api/endpoints.ts";

// GET /api/v1/projects/{projectId}/api-services - the project's API services
export const GET = handle(api.listApiServices, ({ params }) => listApiServices(params.projectId));

// POST /api/v1/projects/{projectId}/api-services - a service with one endpoint serving a saved model version
export const POST = handle(api.createApiService, ({ params, body }) =>
  createApiService(params.projectId, body),
);
