import "server-only";
import { AppError, type ProjectMember, type ProjectRole, type User } from "@sous/contracts";
import type { Prisma } from "@sous/db";
import { ctx } from "../context.ts";

// Changes to a project's owners take this lock (per project), so two owners demoting each other
// at once cannot both see "another owner remains" and leave the project with none.
const OWNERS_LOCK = 7316004;
const RANK: Record<ProjectRole, number> = { OWNER: 0, EDITOR: 1, VIEWER: 2 };

type Tx = Prisma.TransactionClient;

async function lockOwners(tx: Tx, projectId: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${OWNERS_LOCK}::int, hashtext(${projectId}))`;
}

/** Refuses to take the OWNER role from the project's last owner: nobody could manage it any more. */
async function keepAnOwner(
  tx: Tx,
  projectId: string,
  member: { userId: string; email: string },
  caller: User,
) {
  const others = await tx.projectMember.count({
    where: { projectId, role: "OWNER", userId: { not: member.userId } },
  });
  if (others === 0)
    throw new AppError(
      "conflict",
      `${member.userId === caller.id ? "You are" : `${member.email} is`} the last owner of this project: make another member owner first.`,
    );
}

/** The project's members, owners first, then by name. */
export async function listMembers(projectId: string): Promise<ProjectMember[]> {
  const rows = await ctx().db.projectMember.findMany({
    where: { projectId },
    include: { user: { select: { email: true, name: true, disabledAt: true } } },
  });
  return rows
    .map((m) => ({
      userId: m.userId,
      email: m.user.email,
      name: m.user.name,
      role: m.role,
      disabled: m.user.disabledAt !== null,
      addedAt: m.createdAt.toISOString(),
    }))
    .sort(
      (a, b) => RANK[a.role] - RANK[b.role] || a.name.localeCompare(b.name) || a.email.localeCompare(b.email),
    );
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
  const email = input.email.trim().toLowerCase();
  const u = await db.user.findUnique({ where: { email } });
  if (!u) {
    if (caller.role === "ADMIN")
      throw new AppError(
        "not_found",
        `No user with email ${input.email}. Create the account first (POST /api/v1/admin/users).`,
      );
    return { email, role: input.role };
  }
  await db.$transaction(async (tx) => {
    await lockOwners(tx, projectId);
    const current = await tx.projectMember.findUnique({
      where: { projectId_userId: { projectId, userId: u.id } },
      select: { role: true },
    });
    if (current?.role === "OWNER" && input.role !== "OWNER")
      await keepAnOwner(tx, projectId, { userId: u.id, email }, caller);
    await tx.projectMember.upsert({
      where: { projectId_userId: { projectId, userId: u.id } },
      create: { projectId, userId: u.id, role: input.role },
      update: { role: input.role },
    });
  });
  return { email, role: input.role };
}

/** Takes a user out of a project (owners only); the last owner cannot be removed. */
export async function removeMember(projectId: string, userId: string, caller: User): Promise<void> {
  await ctx().db.$transaction(async (tx) => {
    await lockOwners(tx, projectId);
    const m = await tx.projectMember.findUnique({
      where: { projectId_userId: { projectId, userId } },
      include: { user: { select: { email: true } } },
    });
    if (!m) throw new AppError("not_found", "This user is not a member of the project.");
    if (m.role === "OWNER") await keepAnOwner(tx, projectId, { userId, email: m.user.email }, caller);
    await tx.projectMember.delete({ where: { projectId_userId: { projectId, userId } } });
  });
}
