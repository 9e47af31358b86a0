import { handle } from "@/server/http/handler.ts";
import { setDeployments } from "@/server/services/api-services.ts";
import { api } from "@/shared/api/endpoints.ts";

// PUT /api/v1/projects/{projectId}/api-services/{serviceId}/endpoints/{endpointId}/deployments
// - deploy, roll back or split traffic by weight, in one transaction
export const PUT = handle(api.setApiDeployments, ({ params, body }) =>
  setDeployments(params.projectId, params.serviceId, params.endpointId, body),
);
