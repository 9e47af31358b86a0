import { handle } from "@/server/http/handler.ts";
import { createConnection, listConnections } from "@/server/services/databricks-connections.ts";
import { api } from "@/shared/api/endpoints.ts";

// GET /api/v1/admin/databricks/connections - every Databricks connection (no secrets)
export const GET = handle(api.listDatabricksConnections, () => listConnections());

// POST /api/v1/admin/databricks/connections - add a workspace
export const POST = handle(api.createDatabricksConnection, ({ body }) => createConnection(body));
