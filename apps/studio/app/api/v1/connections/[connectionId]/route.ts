import { handle } from "@/server/http/handler.ts";
import { deleteConnection, updateConnection } from "@/server/services/connections.ts";
import { api } from "@/shared/api/endpoints.ts";

// PATCH /api/v1/connections/:connectionId - change a connection; an omitted password is kept (admin)
export const PATCH = handle(api.updateConnection, ({ params, body }) =>
  updateConnection(params.connectionId, body),
);

// DELETE /api/v1/connections/:connectionId - delete a connection (admin)
export const DELETE = handle(api.deleteConnection, async ({ params }) => {
  await deleteConnection(params.connectionId);
  return null;
});
