import { handle } from "@/server/http/handler.ts";
import { cancelJob } from "@/server/services/jobs.ts";
import { api } from "@/shared/api/endpoints.ts";

// POST /api/v1/projects/:projectId/jobs/:jobId/cancel - cancel a job
export const POST = handle(api.cancelJob, ({ user, params }) =>
  cancelJob(user, params.projectId, params.jobId),
);
