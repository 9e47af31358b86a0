import "server-only";
import { AppError, type ProjectRole, type User } from "@sous/contracts";
import { ctx } from "../context.ts";

const RANK: Record<ProjectRole, number> = { VIEWER: 1, EDITOR: 2, OWNER: 3 };

/**
 * The caller's role in a project, or an error: a project the caller cannot see is "not found"
 * (so ids of other people's projects reveal nothing); one they can see but not change is "forbidden".
 * Administrators act as owners of every project.
 */
export async function requireProjectRole(opts: {
  user: User;
  projectId: string;
  minRole: ProjectRole;
}): Promise<ProjectRole> {
  const { db } = ctx();
  let role: ProjectRole | null = null;
  if (opts.user.role === "ADMIN") {
    const exists = await db.project.findUnique({ where: { id: opts.projectId }, select: { id: true } });
    role = exists ? "OWNER" : null;
  } else {
    const m = await db.projectMember.findUnique({
      where: { projectId_userId: { projectId: opts.projectId, userId: opts.user.id } },
      select: { role: true },
    });
    role = m?.role ?? null;
  }
  if (!role) throw new AppError("not_found", "Project not found.");
  if (RANK[role] < RANK[opts.minRole]) {
    throw new AppError(
      "forbidden",
      `This needs the ${opts.minRole.toLowerCase()} role in the project; you are ${role.toLowerCase()}.`,
    );
  }
  return role;
}
