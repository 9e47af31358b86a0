import { handle } from "@/server/http/handler.ts";
import { restartPythonKernel } from "@/server/services/python-notebooks.ts";
import { api } from "@/shared/api/endpoints.ts";

// POST .../python-notebooks/:notebookId/kernels/:kernelId/restart
export const POST = handle(api.restartPythonKernel, ({ params, user }) =>
  restartPythonKernel(params.projectId, params.notebookId, user.id, params.kernelId),
);
