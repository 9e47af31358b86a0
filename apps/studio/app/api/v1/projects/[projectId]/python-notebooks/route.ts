import { handle } from "@/server/http/handler.ts";
import { createPythonNotebook } from "@/server/services/python-notebooks.ts";
import { api } from "@/shared/api/endpoints.ts";

// POST /api/v1/projects/:projectId/python-notebooks - a new Python notebook (.ipynb)
export const POST = handle(api.createPythonNotebook, ({ params, body, user }) =>
  createPythonNotebook(params.projectId, user.id, body),
);
