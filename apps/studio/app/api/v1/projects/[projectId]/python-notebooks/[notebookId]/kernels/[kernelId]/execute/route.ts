import { handle } from "@/server/http/handler.ts";
import { executePythonCell } from "@/server/services/python-notebooks.ts";
import { api } from "@/shared/api/endpoints.ts";

// POST .../python-notebooks/:notebookId/kernels/:kernelId/execute - run code in the caller's kernel;
// the request's signal interrupts the kernel when the client goes away.
export const POST = handle(api.executePythonCell, ({ params, user, body, req }) =>
  executePythonCell(params.projectId, params.notebookId, user.id, params.kernelId, body.code, req.signal),
);
