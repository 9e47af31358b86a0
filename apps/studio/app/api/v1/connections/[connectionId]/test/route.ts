import { handle } from "@/server/http/handler.ts";
import { testConnection } from "@/server/services/connections.ts";
import { api } from "@/shared/api/endpoints.ts";

// POST /api/v1/connections/:connectionId/test - connects, and warns when the user can write (admin);
// members go through the project: /projects/:projectId/connections/:connectionId/test
export const POST = handle(api.testConnection, ({ params }) => testConnection(params.connectionId, "admin"));
