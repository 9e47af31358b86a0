import { SESSION_COOKIE } from "@/server/auth/tokens.ts";
import { handle } from "@/server/http/handler.ts";
import { logout } from "@/server/services/sessions.ts";
import { api } from "@/shared/api/endpoints.ts";

// POST /api/v1/auth/logout - end the session
export const POST = handle(api.logout, async ({ req }) => {
  const cookie = req.headers.get("cookie") ?? "";
  const token = cookie
    .split(";")
    .map((p) => p.trim())
    .find((p) => p.startsWith(`${SESSION_COOKIE}=`))
    ?.slice(SESSION_COOKIE.length + 1);
  await logout(token);
  const res = Response.json({ ok: true });
  res.headers.append("Set-Cookie", `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`);
  return res;
});
