import { sessionToken } from "@/server/auth/authenticate.ts";
import { handle } from "@/server/http/handler.ts";
import { resetPassword } from "@/server/services/users.ts";
import { api } from "@/shared/api/endpoints.ts";

// POST /api/v1/admin/users/:userId/password - set or generate a new password, ending the user's
// sessions; an administrator resetting their own keeps the session they are using
export const POST = handle(api.resetPassword, ({ req, params, body, user }) =>
  resetPassword(params.userId, body, user.id === params.userId ? sessionToken(req.headers) : undefined),
);
