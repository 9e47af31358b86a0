import { api } from "@/server/http/endpoints.ts";
import { handle } from "@/server/http/handler.ts";
import { cancelJob } from "@/server/services/jobs.ts";

// POST /api/v1/projects/:projectId/jobs/:jobId/cancel - cancel a job
export const POST = handle(api.cancelJob, ({ user, params }) =>
  cancelJob(user, params.projectId, params.jobId),
);
