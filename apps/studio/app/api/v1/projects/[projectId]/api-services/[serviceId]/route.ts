import { handle } from "@/server/http/handler.ts";
import { deleteApiService, updateApiService } from "@/server/services/api-services.ts";
import { api } from "@/shared/api/endpoints.ts";

// PATCH /api/v1/projects/{projectId}/api-services/{serviceId} - description; public (administrators)
export const PATCH = handle(api.updateApiService, ({ params, body, user }) =>
  updateApiService(params.projectId, params.serviceId, body, user),
);

// DELETE /api/v1/projects/{projectId}/api-services/{serviceId}
export const DELETE = handle(api.deleteApiService, async ({ params }) => {
  await deleteApiService(params.projectId, params.serviceId);
  return null;
});
