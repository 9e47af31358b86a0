import "server-only";
import { AppError, type User } from "@sous/contracts";
import { loginLimiter } from "../auth/login-limits.ts";
import { verifyPassword } from "../auth/password.ts";
import { hashToken, newToken } from "../auth/tokens.ts";
import { ctx } from "../context.ts";
import { env } from "../env.ts";

// Verifying against a throwaway hash keeps the timing of "unknown email" close to "wrong password".
const DUMMY_HASH = "scrypt$32768$8$1$c291cy1kdW1teS1zYWx0$Zq5bm1qZ6b3P7v0wq0W1tq1h0n0r0Zq5bm1qZ6b3P7s";

/**
 * Signs in. Every attempt counts as a failure for the account and the client address until the
 * password proves right, so parallel guesses cannot outrun the limits; unknown emails count too,
 * so the answers do not tell which accounts exist.
 */
export async function login(
  input: { email: string; password: string },
  from: { address: string },
): Promise<{ user: User; token: string; expiresAt: Date }> {
  const { db } = ctx();
  const attempt = { account: input.email, address: from.address };
  await loginLimiter().acquire(attempt);
  const u = await db.user.findUnique({ where: { email: input.email } });
  const ok = await verifyPassword(input.password, u?.passwordHash ?? DUMMY_HASH);
  if (!u || !ok) throw new AppError("unauthenticated", "Wrong email or password.");
  await loginLimiter().succeed(attempt);
  // Said only to someone who knows the password, so it reveals nothing about which emails exist.
  if (u.disabledAt)
    throw new AppError("forbidden", "This account is disabled. Ask an administrator to enable it.");
  const token = newToken();
  const expiresAt = new Date(Date.now() + env().SOUS_SESSION_TTL_HOURS * 3600_000);
  await db.session.create({ data: { tokenHash: hashToken(token), userId: u.id, expiresAt } });
  return { user: { id: u.id, email: u.email, name: u.name, role: u.role }, token, expiresAt };
}

export async function logout(token: string | undefined): Promise<void> {
  if (!token) return;
  await ctx().db.session.deleteMany({ where: { tokenHash: hashToken(token) } });
}
