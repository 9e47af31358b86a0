import "server-only";
import { AppError, type User } from "@sous/contracts";
import { hashPassword } from "../auth/password.ts";
import { ctx } from "../context.ts";

/** First run only: creates the administrator. There is no default password anywhere. */
export async function setupAdmin(input: { email: string; name: string; password: string }): Promise<User> {
  const { db } = ctx();
  const passwordHash = await hashPassword(input.password);
  // Serialise concurrent setups: the advisory lock makes "no user yet" and the insert one step.
  return db.$transaction(async (tx) => {
    await tx.$executeRawUnsafe("SELECT pg_advisory_xact_lock(7316001)");
    if ((await tx.user.count()) > 0) {
      throw new AppError(
        "conflict",
        "Sous is already set up. Sign in, or ask an administrator for an account.",
      );
    }
    const u = await tx.user.create({
      data: { email: input.email, name: input.name, passwordHash, role: "ADMIN" },
    });
    return { id: u.id, email: u.email, name: u.name, role: u.role };
  });
}

export async function needsSetup(): Promise<boolean> {
  return (await ctx().db.user.count()) === 0;
}
