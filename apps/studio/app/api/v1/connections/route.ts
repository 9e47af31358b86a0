import { handle } from "@/server/http/handler.ts";
import { createConnection, listConnections } from "@/server/services/connections.ts";
import { api } from "@/shared/api/endpoints.ts";

// GET /api/v1/connections - SQL connections, without secrets: all of them with their grants for
// administrators, those granted to the caller's projects for anyone else
export const GET = handle(api.listConnections, ({ user }) => listConnections(user));

// POST /api/v1/connections - create a Postgres connection, granted to the projects named (admin)
export const POST = handle(api.createConnection, ({ body }) => createConnection(body));
