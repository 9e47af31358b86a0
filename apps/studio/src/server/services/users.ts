import "server-only";
import { AppError, type ProjectRole, type User } from "@sous/contracts";
import { isUniqueViolation } from "@sous/db";
import { hashPassword } from "../auth/password.ts";
import { ctx } from "../context.ts";

export async function createUser(input: {
  email: string;
  name: string;
  password: string;
  role: "ADMIN" | "USER";
}): Promise<User> {
  try {
    const u = await ctx().db.user.create({
      data: {
        email: input.email,
        name: input.name,
        role: input.role,
        passwordHash: await hashPassword(input.password),
      },
    });
    return { id: u.id, email: u.email, name: u.name, role: u.role };
  } catch (e) {
    if (isUniqueViolation(e))
      throw new AppError("conflict", `A user with email ${input.email} already exists.`);
    throw e;
  }
}

export async function listUsers(): Promise<User[]> {
  const rows = await ctx().db.user.findMany({ orderBy: { email: "asc" } });
  return rows.map((u) => ({ id: u.id, email: u.email, name: u.name, role: u.role }));
}

/**
 * Adds a user to a project, or changes their role there. Any user can own a project, so the
 * answer must not tell which emails have an account: an unknown email gets the same answer and
 * changes nothing. Administrators, who can list every user anyway, are told it is unknown.
 */
export async function setProjectMember(
  projectId: string,
  input: { email: string; role: ProjectRole },
  caller: User,
): Promise<{ email: string; role: ProjectRole }> {
  const { db } = ctx();
  const email = input.email.toLowerCase();
  const u = await db.user.findUnique({ where: { email } });
  if (!u) {
    if (caller.role === "ADMIN")
      throw new AppError(
        "not_found",
        `No user with email ${input.email}. Create the account first (POST /api/v1/admin/users).`,
      );
    return { email, role: input.role };
  }
  await db.projectMember.upsert({
    where: { projectId_userId: { projectId, userId: u.id } },
    create: { projectId, userId: u.id, role: input.role },
    update: { role: input.role },
  });
  return { email, role: input.role };
}
