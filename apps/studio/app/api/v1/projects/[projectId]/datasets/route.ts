import { handle } from "@/server/http/handler.ts";
import { listDatasets } from "@/server/services/datasets.ts";
import { uploadCsvDataset } from "@/server/services/upload-dataset.ts";
import { api } from "@/shared/api/endpoints.ts";

// GET /api/v1/projects/:projectId/datasets - datasets of a project
export const GET = handle(api.listDatasets, ({ params }) => listDatasets(params.projectId));

// POST /api/v1/projects/:projectId/datasets?name=... - upload a CSV (the body is the file)
export const POST = handle(api.uploadDataset, ({ params, query, req }) =>
  uploadCsvDataset({
    projectId: params.projectId,
    name: query.name,
    contentType: req.headers.get("content-type"),
    contentLength: req.headers.get("content-length"),
    body: req.body,
    ...(query.options ? { options: query.options } : {}),
  }),
);
