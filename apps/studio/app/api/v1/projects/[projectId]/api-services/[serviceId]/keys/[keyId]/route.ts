import { handle } from "@/server/http/handler.ts";
import { revokeServiceKey } from "@/server/services/api-services.ts";
import { api } from "@/shared/api/endpoints.ts";

// DELETE /api/v1/projects/{projectId}/api-services/{serviceId}/keys/{keyId} - revoke
export const DELETE = handle(api.revokeApiServiceKey, async ({ params }) => {
  await revokeServiceKey(params.projectId, params.serviceId, params.keyId);
  return null;
});
