import { handle } from "@/server/http/handler.ts";
import { testPredict } from "@/server/services/api-services.ts";
import { api } from "@/shared/api/endpoints.ts";

// POST /api/v1/projects/{projectId}/api-services/{serviceId}/test - one prediction through the API node
export const POST = handle(api.testApiService, ({ params, body }) =>
  testPredict(params.projectId, params.serviceId, body.endpoint, body.features),
);
