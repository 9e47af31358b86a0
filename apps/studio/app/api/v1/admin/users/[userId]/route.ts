import { handle } from "@/server/http/handler.ts";
import { updateUser } from "@/server/services/users.ts";
import { api } from "@/shared/api/endpoints.ts";

// PATCH /api/v1/admin/users/:userId - change the global role, disable or enable (administrators only)
export const PATCH = handle(api.updateUser, ({ params, body, user }) =>
  updateUser(params.userId, body, user),
);
