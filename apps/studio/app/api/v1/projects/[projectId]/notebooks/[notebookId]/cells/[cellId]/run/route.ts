import { handle } from "@/server/http/handler.ts";
import { runCell } from "@/server/services/notebooks.ts";
import { api } from "@/shared/api/endpoints.ts";

// POST /api/v1/projects/:projectId/notebooks/:notebookId/cells/:cellId/run - run the cell's SQL;
// the request's signal interrupts the query when the client goes away (a closed page, a Cancel).
export const POST = handle(api.runCell, ({ req, params, body }) =>
  runCell(params.projectId, params.notebookId, params.cellId, body.sql, req.signal),
);
