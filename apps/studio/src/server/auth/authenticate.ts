import "server-only";
import type { User } from "@sous/contracts";
import { ctx } from "../context.ts";
import { KERNEL_TOKEN_PREFIX, kernelTokenUserId } from "./kernel-tokens.ts";
import { API_KEY_PREFIX, hashToken, SESSION_COOKIE } from "./tokens.ts";

/**
 * A key's "last used" is shown to the minute: written at most once a minute per key. Written on
 * every request, it was a committed UPDATE (and a WAL flush) for each API call, competing with the
 * build it asked for on a small machine.
 */
const LAST_USED_PRECISION_MS = 60_000;

function toUser(u: { id: string; email: string; name: string; role: "ADMIN" | "USER" }): User {
  return { id: u.id, email: u.email, name: u.name, role: u.role };
}

function readCookie(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) return decodeURIComponent(v.join("="));
  }
  return undefined;
}

/**
 * The caller, from `Authorization: Bearer sous_...` (API key), `Bearer sousk_...` (a notebook
 * kernel's token) or the session cookie; null if anonymous.
 */
export async function authenticate(headers: Headers): Promise<User | null> {
  const { db } = ctx();
  const auth = headers.get("authorization");
  if (auth?.startsWith("Bearer ")) {
    const key = auth.slice("Bearer ".length).trim();
    // A Python notebook's kernel (the `sous` package) calls back as its user while it lives.
    if (key.startsWith(KERNEL_TOKEN_PREFIX)) {
      const userId = kernelTokenUserId(key);
      const user = userId ? await db.user.findUnique({ where: { id: userId } }) : null;
      return user && !user.disabledAt ? toUser(user) : null;
    }
    if (!key.startsWith(API_KEY_PREFIX)) return null;
    const row = await db.apiKey.findUnique({ where: { keyHash: hashToken(key) }, include: { user: true } });
    // A disabled account's keys are refused at once, without revoking them (see updateUser).
    if (!row || row.revokedAt || row.user.disabledAt) return null;
    // Last-used is informative; do not make every API call wait for it.
    const now = new Date();
    if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_PRECISION_MS)
      void db.apiKey.update({ where: { id: row.id }, data: { lastUsedAt: now } }).catch(() => {});
    return toUser(row.user);
  }
  return sessionUser(sessionToken(headers));
}

/** The session cookie's token, if the request carries one. */
export function sessionToken(headers: Headers): string | undefined {
  return readCookie(headers.get("cookie"), SESSION_COOKIE);
}

export async function sessionUser(token: string | undefined): Promise<User | null> {
  if (!token) return null;
  const { db } = ctx();
  const session = await db.session.findUnique({
    where: { tokenHash: hashToken(token) },
    include: { user: true },
  });
  // Disabling deletes the sessions too; checking here also covers one created in the meantime.
  if (!session || session.expiresAt < new Date() || session.user.disabledAt) return null;
  return toUser(session.user);
}
