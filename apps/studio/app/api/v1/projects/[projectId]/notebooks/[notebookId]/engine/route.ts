import { handle } from "@/server/http/handler.ts";
import { getNotebookEngine, setNotebookEngine } from "@/server/services/notebook-engine.ts";
import { api } from "@/shared/api/endpoints.ts";

// GET/PUT /api/v1/projects/:projectId/notebooks/:notebookId/engine - where the cells run.
export const GET = handle(api.getNotebookEngine, ({ params }) =>
  getNotebookEngine(params.projectId, params.notebookId),
);
export const PUT = handle(api.setNotebookEngine, ({ params, body }) =>
  setNotebookEngine(params.projectId, params.notebookId, body.engine),
);
