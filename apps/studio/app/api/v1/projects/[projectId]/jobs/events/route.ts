import { ctx } from "@/server/context.ts";
import { handle } from "@/server/http/handler.ts";
import { projectJobEventStream } from "@/server/services/job-events.ts";
import { api } from "@/shared/api/endpoints.ts";

export const dynamic = "force-dynamic";

// GET /api/v1/projects/:projectId/jobs/events - live progress of the project's jobs (SSE)
export const GET = handle(api.jobEvents, async ({ req, params }) =>
  projectJobEventStream(ctx(), { projectId: params.projectId, signal: req.signal }),
);
