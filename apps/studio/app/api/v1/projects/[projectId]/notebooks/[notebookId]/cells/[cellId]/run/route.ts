import { handle } from "@/server/http/handler.ts";
import { runCellOnEngine } from "@/server/services/notebook-engine.ts";
import { api } from "@/shared/api/endpoints.ts";

// POST /api/v1/projects/:projectId/notebooks/:notebookId/cells/:cellId/run - run the cell's SQL on
// the notebook's engine (local, or a Databricks cluster under the caller's token in per-user
// mode); the request's signal interrupts the query when the client goes away (a closed page, a Cancel).
export const POST = handle(api.runCell, ({ req, params, body, user }) =>
  runCellOnEngine(params.projectId, params.notebookId, params.cellId, body.sql, user.id, req.signal),
);
