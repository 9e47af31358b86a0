import { api } from "@/server/http/endpoints.ts";
import { handle } from "@/server/http/handler.ts";
import { createConnection, listConnections } from "@/server/services/connections.ts";

// GET /api/v1/connections - SQL connections, without secrets
export const GET = handle(api.listConnections, () => listConnections());

// POST /api/v1/connections - create a Postgres connection (admin)
export const POST = handle(api.createConnection, ({ body }) => createConnection(body));
