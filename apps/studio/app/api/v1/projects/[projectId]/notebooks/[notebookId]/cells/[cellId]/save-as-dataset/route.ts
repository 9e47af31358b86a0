import { handle } from "@/server/http/handler.ts";
import { saveCellAsDataset } from "@/server/services/notebooks.ts";
import { api } from "@/shared/api/endpoints.ts";

// POST /api/v1/projects/:projectId/notebooks/:notebookId/cells/:cellId/save-as-dataset - a SQL recipe from the cell
export const POST = handle(api.saveCellAsDataset, ({ params, body }) =>
  saveCellAsDataset(params.projectId, params.notebookId, body),
);
