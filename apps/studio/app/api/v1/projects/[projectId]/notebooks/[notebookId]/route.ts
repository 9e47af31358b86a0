import { handle } from "@/server/http/handler.ts";
import { deleteNotebook, getNotebook, saveNotebook } from "@/server/services/notebooks.ts";
import { api } from "@/shared/api/endpoints.ts";

// GET /api/v1/projects/:projectId/notebooks/:notebookId
export const GET = handle(api.getNotebook, ({ params }) => getNotebook(params.projectId, params.notebookId));

// PUT /api/v1/projects/:projectId/notebooks/:notebookId - save the cells (409 when stale)
export const PUT = handle(api.saveNotebook, ({ params, body }) =>
  saveNotebook(params.projectId, params.notebookId, body),
);

// DELETE /api/v1/projects/:projectId/notebooks/:notebookId
export const DELETE = handle(api.deleteNotebook, async ({ params }) => {
  await deleteNotebook(params.projectId, params.notebookId);
  return { ok: true as const };
});
