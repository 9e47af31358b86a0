import { handle } from "@/server/http/handler.ts";
import { grantConnection, revokeConnection } from "@/server/services/connections.ts";
import { api } from "@/shared/api/endpoints.ts";

// PUT /api/v1/connections/:connectionId/projects/:projectId - grant the connection to the project (admin)
export const PUT = handle(api.grantConnection, ({ params }) =>
  grantConnection(params.connectionId, params.projectId),
);

// DELETE /api/v1/connections/:connectionId/projects/:projectId - revoke that grant (admin)
export const DELETE = handle(api.revokeConnection, async ({ params }) => {
  await revokeConnection(params.connectionId, params.projectId);
  return null;
});
