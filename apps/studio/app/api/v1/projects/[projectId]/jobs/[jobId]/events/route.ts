import { ctx } from "@/server/context.ts";
import { handle } from "@/server/http/handler.ts";
import { jobEventStream } from "@/server/services/job-events.ts";
import { api } from "@/shared/api/endpoints.ts";

export const dynamic = "force-dynamic";

// GET /api/v1/projects/:projectId/jobs/:jobId/events - live progress and logs of a job (SSE)
export const GET = handle(api.getJobEvents, async ({ req, params }) =>
  jobEventStream(ctx(), {
    projectId: params.projectId,
    jobId: params.jobId,
    signal: req.signal,
    afterLogId: req.headers.get("last-event-id"),
  }),
);
