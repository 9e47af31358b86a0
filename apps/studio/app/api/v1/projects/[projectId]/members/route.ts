import { api } from "@/server/http/endpoints.ts";
import { handle } from "@/server/http/handler.ts";
import { setProjectMember } from "@/server/services/users.ts";

// PUT /api/v1/projects/:projectId/members - add a member or change their role (owners only);
// the answer is the same whether or not an account has the email
export const PUT = handle(api.setMember, ({ params, body, user }) =>
  setProjectMember(params.projectId, body, user),
);
