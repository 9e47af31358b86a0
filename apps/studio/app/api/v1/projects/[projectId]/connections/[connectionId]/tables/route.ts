import { handle } from "@/server/http/handler.ts";
import { listConnectionTables } from "@/server/services/connections.ts";
import { api } from "@/shared/api/endpoints.ts";

// GET /api/v1/projects/:projectId/connections/:connectionId/tables - what the import dialog's
// table picker lists; a connection not granted to the project is not found
export const GET = handle(api.listProjectConnectionTables, ({ params }) =>
  listConnectionTables(params.connectionId, { projectId: params.projectId }),
);
