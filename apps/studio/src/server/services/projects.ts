import "server-only";
import { AppError, type Project, type ProjectRole, type User } from "@sous/contracts";
import { isUniqueViolation } from "@sous/db";
import { ctx } from "../context.ts";

type ProjectRow = { id: string; key: string; name: string; description: string; createdAt: Date };

const view = (p: ProjectRow, role: ProjectRole): Project => ({
  id: p.id,
  key: p.key,
  name: p.name,
  description: p.description,
  role,
  createdAt: p.createdAt.toISOString(),
});

export async function createProject(
  user: User,
  input: { key: string; name: string; description: string },
): Promise<Project> {
  try {
    const p = await ctx().db.project.create({
      data: { ...input, members: { create: { userId: user.id, role: "OWNER" } } },
    });
    return view(p, "OWNER");
  } catch (e) {
    if (isUniqueViolation(e))
      throw new AppError("conflict", `A project with key ${input.key} already exists. Choose another key.`);
    throw e;
  }
}

export async function listProjects(user: User): Promise<Project[]> {
  const { db } = ctx();
  if (user.role === "ADMIN") {
    const all = await db.project.findMany({ orderBy: { createdAt: "desc" } });
    return all.map((p) => view(p, "OWNER"));
  }
  const ms = await db.projectMember.findMany({ where: { userId: user.id }, include: { project: true } });
  return ms.sort((a, b) => +b.project.createdAt - +a.project.createdAt).map((m) => view(m.project, m.role));
}

export async function getProject(projectId: string, role: ProjectRole): Promise<Project> {
  const p = await ctx().db.project.findUnique({ where: { id: projectId } });
  if (!p) throw new AppError("not_found", "Project not found.");
  return view(p, role);
}
