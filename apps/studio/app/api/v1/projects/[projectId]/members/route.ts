import { handle } from "@/server/http/handler.ts";
import { listMembers, setProjectMember } from "@/server/services/project-members.ts";
import { api } from "@/shared/api/endpoints.ts";

// GET /api/v1/projects/:projectId/members - the members and their roles (any member)
export const GET = handle(api.listMembers, ({ params }) => listMembers(params.projectId));

// PUT /api/v1/projects/:projectId/members - add a member or change their role (owners only);
// the answer is the same whether or not an account has the email
export const PUT = handle(api.setMember, ({ params, body, user }) =>
  setProjectMember(params.projectId, body, user),
);
