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

/** Adds a user to a project, or changes their role there. */
export async function setProjectMember(projectId: string, input: { email: string; role: ProjectRole }) {
  const { db } = ctx();
  const u = await db.user.findUnique({ where: { email: input.email.toLowerCase() } });
  if (!u)
    throw new AppError(
      "not_found",
      `No user with email ${input.email}. An administrator must create the account first.`,
    );
  await db.projectMember.upsert({
    where: { projectId_userId: { projectId, userId: u.id } },
    create: { projectId, userId: u.id, role: input.role },
    update: { role: input.role },
  });
  return { userId: u.id, email: u.email, role: input.role };
}
