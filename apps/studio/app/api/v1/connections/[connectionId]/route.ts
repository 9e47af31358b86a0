import { api } from "@/server/http/endpoints.ts";
import { handle } from "@/server/http/handler.ts";
import { deleteConnection } from "@/server/services/connections.ts";

// DELETE /api/v1/connections/:connectionId - delete a connection (admin)
export const DELETE = handle(api.deleteConnection, async ({ params }) => {
  await deleteConnection(params.connectionId);
  return null;
});
