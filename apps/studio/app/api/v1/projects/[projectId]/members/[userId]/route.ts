import { handle } from "@/server/http/handler.ts";
import { removeMember } from "@/server/services/project-members.ts";
import { api } from "@/shared/api/endpoints.ts";

// DELETE /api/v1/projects/:projectId/members/:userId - remove a member (owners only)
export const DELETE = handle(api.removeMember, async ({ params, user }) => {
  await removeMember(params.projectId, params.userId, user);
  return null;
});
