import { handle } from "@/server/http/handler.ts";
import { createNotebook, listNotebooks } from "@/server/services/notebooks.ts";
import { api } from "@/shared/api/endpoints.ts";

// GET /api/v1/projects/:projectId/notebooks - the project's notebooks
export const GET = handle(api.listNotebooks, ({ params }) => listNotebooks(params.projectId));

// POST /api/v1/projects/:projectId/notebooks - create a SQL notebook
export const POST = handle(api.createNotebook, ({ params, body }) => createNotebook(params.projectId, body));
