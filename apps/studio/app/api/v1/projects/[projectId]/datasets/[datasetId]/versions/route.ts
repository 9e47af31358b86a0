import { handle } from "@/server/http/handler.ts";
import { listVersions } from "@/server/services/dataset-versions.ts";
import { uploadDataset } from "@/server/services/upload-dataset.ts";
import { api } from "@/shared/api/endpoints.ts";

// GET /api/v1/projects/:projectId/datasets/:datasetId/versions - versions, newest first
export const GET = handle(api.listVersions, ({ params }) => listVersions(params.projectId, params.datasetId));

// POST /api/v1/projects/:projectId/datasets/:datasetId/versions - upload a file as a new version
export const POST = handle(api.uploadVersion, ({ params, query, req }) =>
  uploadDataset({
    projectId: params.projectId,
    target: { datasetId: params.datasetId },
    fileName: query.fileName,
    contentType: req.headers.get("content-type"),
    contentLength: req.headers.get("content-length"),
    body: req.body,
    ...(query.options ? { options: query.options } : {}),
  }),
);
