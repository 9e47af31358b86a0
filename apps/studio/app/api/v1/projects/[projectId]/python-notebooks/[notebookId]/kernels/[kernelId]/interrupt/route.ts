import { handle } from "@/server/http/handler.ts";
import { interruptPythonKernel } from "@/server/services/python-notebooks.ts";
import { api } from "@/shared/api/endpoints.ts";

// POST .../python-notebooks/:notebookId/kernels/:kernelId/interrupt
export const POST = handle(api.interruptPythonKernel, ({ params, user }) =>
  interruptPythonKernel(params.projectId, params.notebookId, user.id, params.kernelId),
);
