import { handle } from "@/server/http/handler.ts";
import { checkContentType } from "@/server/services/upload-dataset.ts";
import { createUpload } from "@/server/services/uploads.ts";
import { api } from "@/shared/api/endpoints.ts";

// POST /api/v1/projects/:projectId/datasets/uploads?fileName=... - store a file for import and preview it
export const POST = handle(api.stageUpload, ({ params, query, req }) => {
  checkContentType(req.headers.get("content-type"));
  return createUpload({
    projectId: params.projectId,
    fileName: query.fileName,
    contentLength: req.headers.get("content-length"),
    body: req.body,
    ...(query.options ? { options: query.options } : {}),
  });
});
