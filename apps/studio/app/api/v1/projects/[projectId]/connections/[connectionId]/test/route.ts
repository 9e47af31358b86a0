import { handle } from "@/server/http/handler.ts";
import { testConnection } from "@/server/services/connections.ts";
import { api } from "@/shared/api/endpoints.ts";

// POST /api/v1/projects/:projectId/connections/:connectionId/test - the import dialog's "Test";
// a connection not granted to the project is not found
export const POST = handle(api.testProjectConnection, ({ params }) =>
  testConnection(params.connectionId, { projectId: params.projectId }),
);
