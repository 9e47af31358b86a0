import { clientAddress } from "@/server/auth/login-limits.ts";
import { SESSION_COOKIE } from "@/server/auth/tokens.ts";
import { handle } from "@/server/http/handler.ts";
import { login } from "@/server/services/sessions.ts";
import { api } from "@/shared/api/endpoints.ts";

// POST /api/v1/auth/login - sign in; the session token travels only in an httpOnly cookie.
// Failed sign-ins are limited per account and per address (429 with Retry-After).
export const POST = handle(api.login, async ({ body, req }) => {
  const { user, token, expiresAt } = await login(body, { address: clientAddress(req.headers) });
  const res = Response.json(user);
  const secure = new URL(req.url).protocol === "https:" ? "; Secure" : "";
  res.headers.append(
    "Set-Cookie",
    `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Lax; Expires=${expiresAt.toUTCString()}${secure}`,
  );
  return res;
});
