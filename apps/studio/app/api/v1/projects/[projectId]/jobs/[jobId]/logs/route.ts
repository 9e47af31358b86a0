import { handle } from "@/server/http/handler.ts";
import { getJobLogs } from "@/server/services/jobs.ts";
import { api } from "@/shared/api/endpoints.ts";

// GET /api/v1/projects/:projectId/jobs/:jobId/logs - a page of log lines
export const GET = handle(api.getJobLogs, ({ params, query }) =>
  getJobLogs(params.projectId, params.jobId, query),
);
