import { handle } from "@/server/http/handler.ts";
import { executeOnCluster } from "@/server/services/python-notebook-cluster.ts";
import { api } from "@/shared/api/endpoints.ts";

// POST /api/v1/projects/:projectId/python-notebooks/:notebookId/cluster/execute - run a cell on the
// attached cluster; closing the request cancels the command there.
export const POST = handle(api.executeOnCluster, ({ req, params, body, user }) =>
  executeOnCluster(params.projectId, params.notebookId, user.id, body.code, body.language, req.signal),
);
