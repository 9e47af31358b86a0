import { handle } from "@/server/http/handler.ts";
import { listConnectionTables } from "@/server/services/connections.ts";
import { api } from "@/shared/api/endpoints.ts";

// GET /api/v1/connections/:connectionId/tables - any connection's tables (admin); members go
// through the project: /projects/:projectId/connections/:connectionId/tables
export const GET = handle(api.listConnectionTables, ({ params }) =>
  listConnectionTables(params.connectionId, "admin"),
);
