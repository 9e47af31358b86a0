import { handle } from "@/server/http/handler.ts";
import { deleteUpload, openUpload } from "@/server/services/uploads.ts";
import { api } from "@/shared/api/endpoints.ts";

// DELETE /api/v1/projects/:projectId/datasets/uploads/:uploadId - discard an upload
export const DELETE = handle(api.deleteUpload, async ({ params }) => {
  // 404 unless there is an upload to delete; the lease is only for that check.
  await (await openUpload(params.projectId, params.uploadId)).release();
  await deleteUpload(params.projectId, params.uploadId);
  return null;
});
