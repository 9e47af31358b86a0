import { handle } from "@/server/http/handler.ts";
import {
  attachCluster,
  detachCluster,
  getClusterAttachment,
} from "@/server/services/python-notebook-cluster.ts";
import { api } from "@/shared/api/endpoints.ts";

// GET/POST/DELETE /api/v1/projects/:projectId/python-notebooks/:notebookId/cluster - the caller's
// attachment of this notebook to a Databricks cluster (an execution context there).
export const GET = handle(api.getPythonNotebookCluster, ({ params, user }) =>
  getClusterAttachment(params.projectId, params.notebookId, user.id),
);
export const POST = handle(api.attachPythonNotebookCluster, ({ req, params, body, user }) =>
  attachCluster(params.projectId, params.notebookId, user.id, body, req.signal),
);
export const DELETE = handle(api.detachPythonNotebookCluster, ({ params, user }) =>
  detachCluster(params.projectId, params.notebookId, user.id),
);
