import { api } from "@/server/http/endpoints.ts";
import { handle } from "@/server/http/handler.ts";
import { createJob, listJobs } from "@/server/services/jobs.ts";

// GET /api/v1/projects/:projectId/jobs - latest jobs
export const GET = handle(api.listJobs, ({ params }) => listJobs(params.projectId));

// POST /api/v1/projects/:projectId/jobs - build datasets
export const POST = handle(api.createJob, ({ user, params, body }) =>
  createJob(user, params.projectId, body),
);
