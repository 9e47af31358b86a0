import { handle } from "@/server/http/handler.ts";
import {
  deleteConnection,
  getConnection,
  updateConnection,
} from "@/server/services/databricks-connections.ts";
import { api } from "@/shared/api/endpoints.ts";

export const GET = handle(api.getDatabricksConnection, ({ params }) => getConnection(params.connectionId));

// PUT: omitted token / Blob credentials keep the stored ones (they are write-only)
export const PUT = handle(api.updateDatabricksConnection, ({ params, body }) =>
  updateConnection(params.connectionId, body),
);

export const DELETE = handle(api.deleteDatabricksConnection, async ({ params, query }) => {
  await deleteConnection(params.connectionId, { force: query.force === "true" });
  return null;
});
