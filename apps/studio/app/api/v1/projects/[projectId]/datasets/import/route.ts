import { handle } from "@/server/http/handler.ts";
import { importDataset } from "@/server/services/import-dataset.ts";
import { api } from "@/shared/api/endpoints.ts";

// POST /api/v1/projects/:projectId/datasets/import - a new dataset from an upload, Postgres or Blob
export const POST = handle(api.importDataset, ({ params, body }) =>
  importDataset({ projectId: params.projectId, target: { create: body.name }, source: body.source }),
);
