import { api } from "@/server/http/endpoints.ts";
import { handle } from "@/server/http/handler.ts";
import { setProjectMember } from "@/server/services/users.ts";

// PUT /api/v1/projects/:projectId/members - add a member or change their role (owners only)
export const PUT = handle(api.setMember, ({ params, body }) => setProjectMember(params.projectId, body));
