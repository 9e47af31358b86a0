import "server-only";
import type { User } from "@sous/contracts";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { sessionUser } from "@/server/auth/authenticate.ts";
import { SESSION_COOKIE } from "@/server/auth/tokens.ts";
import { needsSetup } from "@/server/services/setup-admin.ts";

/** The signed-in user, or null. */
export async function currentUser(): Promise<User | null> {
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  return sessionUser(token);
}

/**
 * Gate for every signed-in page: a fresh install goes to /setup first (there is no default
 * account), an anonymous visitor to /login.
 */
export async function requireUser(): Promise<User> {
  // Read the cookie first: it marks the page dynamic, so `next build` never prerenders it
  // (prerendering would need the database and the runtime env).
  const user = await currentUser();
  if (await needsSetup()) redirect("/setup");
  if (!user) redirect("/login");
  return user;
}
