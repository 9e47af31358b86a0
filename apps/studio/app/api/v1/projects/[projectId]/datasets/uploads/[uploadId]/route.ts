import { api } from "@/server/http/endpoints.ts";
import { handle } from "@/server/http/handler.ts";
import { deleteUpload, openUpload } from "@/server/services/uploads.ts";

// DELETE /api/v1/projects/:projectId/datasets/uploads/:uploadId - discard an upload
export const DELETE = handle(api.deleteUpload, async ({ params }) => {
  await openUpload(params.projectId, params.uploadId);
  await deleteUpload(params.projectId, params.uploadId);
  return null;
});
