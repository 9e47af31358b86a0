import { handle } from "@/server/http/handler.ts";
import { startPythonKernel } from "@/server/services/python-notebooks.ts";
import { api } from "@/shared/api/endpoints.ts";

// POST /api/v1/projects/:projectId/python-notebooks/:notebookId/kernel - the caller's kernel, started
// if needed; the kernel calls the studio back (the sous package) at the address this request came to.
export const POST = handle(api.startPythonKernel, ({ params, user, req }) =>
  startPythonKernel(params.projectId, params.notebookId, user.id, new URL(req.url).origin),
);
