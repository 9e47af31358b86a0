import { handle } from "@/server/http/handler.ts";
import { testConnection } from "@/server/services/databricks-connections.ts";
import { api } from "@/shared/api/endpoints.ts";

// POST /api/v1/admin/databricks/connections/:id/test - token, REST API, mount visibility
export const POST = handle(api.testDatabricksConnection, ({ params, user }) =>
  testConnection(params.connectionId, user.id),
);
