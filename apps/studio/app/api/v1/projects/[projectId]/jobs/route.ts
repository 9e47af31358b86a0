import { handle } from "@/server/http/handler.ts";
import { createJob, listJobs } from "@/server/services/jobs.ts";
import { api } from "@/shared/api/endpoints.ts";

// GET /api/v1/projects/:projectId/jobs - jobs, newest first, with filters
export const GET = handle(api.listJobs, ({ params, query }) => listJobs(params.projectId, query));

// POST /api/v1/projects/:projectId/jobs - build datasets (201), or a dry run's plan (200)
export const POST = handle(api.createJob, async ({ user, params, body }) => {
  const r = await createJob(user, params.projectId, body);
  return "dryRun" in r ? Response.json(r, { status: 200 }) : r;
});
