import { api } from "@/server/http/endpoints.ts";
import { handle } from "@/server/http/handler.ts";
import { listConnectionTables } from "@/server/services/connections.ts";

// GET /api/v1/connections/:connectionId/tables - what the import dialog's table picker lists
export const GET = handle(api.listConnectionTables, ({ params }) =>
  listConnectionTables(params.connectionId),
);
