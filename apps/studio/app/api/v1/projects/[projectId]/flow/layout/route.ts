import { handle } from "@/server/http/handler.ts";
import { saveLayout } from "@/server/services/flow.ts";
import { api } from "@/shared/api/endpoints.ts";

// PUT /api/v1/projects/:projectId/flow/layout - save node positions
export const PUT = handle(api.saveLayout, async ({ params, body }) => {
  await saveLayout(params.projectId, body.positions);
  return { ok: true as const };
});
