import { handle } from "@/server/http/handler.ts";
import { previewUpload } from "@/server/services/uploads.ts";
import { api } from "@/shared/api/endpoints.ts";

// POST /api/v1/projects/:projectId/datasets/uploads/:uploadId/preview - re-read with edited options
export const POST = handle(api.previewUpload, ({ params, body }) =>
  previewUpload(params.projectId, params.uploadId, body.options),
);
