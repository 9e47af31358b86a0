import { handle } from "@/server/http/handler.ts";
import { getCellProgress } from "@/server/services/notebook-engine.ts";
import { api } from "@/shared/api/endpoints.ts";

// GET /api/v1/projects/:projectId/notebooks/:notebookId/cells/:cellId/progress - polled by the page
// while a cell runs (on the local engine or a Databricks cluster).
export const GET = handle(api.getCellProgress, ({ params }) =>
  getCellProgress(params.projectId, params.notebookId, params.cellId),
);
