import { handle } from "@/server/http/handler.ts";
import { getPythonNotebook, savePythonNotebook } from "@/server/services/python-notebooks.ts";
import { api } from "@/shared/api/endpoints.ts";

// GET/PUT /api/v1/projects/:projectId/python-notebooks/:notebookId - the .ipynb (and the caller's kernel)
export const GET = handle(api.getPythonNotebook, ({ params, user }) =>
  getPythonNotebook(params.projectId, params.notebookId, user.id),
);
export const PUT = handle(api.savePythonNotebook, ({ params, body, user }) =>
  savePythonNotebook(params.projectId, params.notebookId, user.id, body),
);
