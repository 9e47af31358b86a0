import { handle } from "@/server/http/handler.ts";
import { listProjectConnections } from "@/server/services/connections.ts";
import { api } from "@/shared/api/endpoints.ts";

// GET /api/v1/projects/:projectId/connections - the SQL connections granted to the project
export const GET = handle(api.listProjectConnections, ({ params }) =>
  listProjectConnections(params.projectId),
);
