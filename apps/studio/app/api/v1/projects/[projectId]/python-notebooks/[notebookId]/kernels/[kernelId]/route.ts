import { handle } from "@/server/http/handler.ts";
import { stopPythonKernel } from "@/server/services/python-notebooks.ts";
import { api } from "@/shared/api/endpoints.ts";

// DELETE /api/v1/projects/:projectId/python-notebooks/:notebookId/kernels/:kernelId - shut it down
export const DELETE = handle(api.stopPythonKernel, ({ params, user }) =>
  stopPythonKernel(params.projectId, params.notebookId, user.id, params.kernelId),
);
