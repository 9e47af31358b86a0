import { handle } from "@/server/http/handler.ts";
import { workspaceCatalog } from "@/server/services/databricks-connections.ts";
import { api } from "@/shared/api/endpoints.ts";

// GET /api/v1/admin/databricks/connections/:id/catalog - Spark versions and node types of the workspace
export const GET = handle(api.getDatabricksCatalog, ({ params, user }) =>
  workspaceCatalog(params.connectionId, user.id),
);
