import { handle } from "@/server/http/handler.ts";
import { getJob } from "@/server/services/jobs.ts";
import { api } from "@/shared/api/endpoints.ts";

// GET /api/v1/projects/:projectId/jobs/:jobId - a job
export const GET = handle(api.getJob, ({ params }) => getJob(params.projectId, params.jobId));
