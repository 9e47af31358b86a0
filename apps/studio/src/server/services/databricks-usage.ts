import "server-only";
import { AppError, type DatabricksUsage } from "@sous/contracts";
import type { Prisma } from "@sous/db";
import { ctx } from "../context.ts";

// A project's or recipe's engine is JSON ({ kind, connectionId, profileId }), not a foreign key:
// deleting a connection or profile must find its users itself, or the project is left pointing
// at an engine that no longer exists (and the Flow says "Databricks" and "runs locally" at once).

type Target = { connectionId: string; profileId?: string };

function engineWhere(t: Target): Prisma.JsonFilter[] {
  return [
    { path: ["connectionId"], equals: t.connectionId },
    ...(t.profileId ? [{ path: ["profileId"], equals: t.profileId }] : []),
  ];
}

export async function databricksUsage(t: Target): Promise<DatabricksUsage> {
  const { db } = ctx();
  const [projects, recipes, profiles] = await Promise.all([
    db.project.findMany({
      where: { AND: engineWhere(t).map((engine) => ({ engine })) },
      select: { id: true, name: true },
      orderBy: { name: "asc" },
    }),
    db.recipe.findMany({
      where: { AND: engineWhere(t).map((engine) => ({ engine })) },
      select: { id: true, name: true, project: { select: { id: true, name: true } } },
      orderBy: [{ project: { name: "asc" } }, { name: "asc" }],
    }),
    db.computeProfile.findMany({
      where: { connectionId: t.connectionId, ...(t.profileId ? { id: t.profileId } : {}) },
      select: { id: true, name: true },
      orderBy: { name: "asc" },
    }),
  ]);
  return {
    projects,
    recipes: recipes.map((r) => ({
      id: r.id,
      name: r.name,
      projectId: r.project.id,
      projectName: r.project.name,
    })),
    profiles,
  };
}

const names = (xs: string[]) =>
  (xs.length <= 3 ? xs : [...xs.slice(0, 3), `${xs.length - 3} more`]).join(", ");

/** "project Retail demo and recipe Retail demo / orders_join", for a 409's message. */
function describeUsers(u: DatabricksUsage): string {
  const parts: string[] = [];
  if (u.projects.length)
    parts.push(`project${u.projects.length > 1 ? "s" : ""} ${names(u.projects.map((p) => p.name))}`);
  if (u.recipes.length)
    parts.push(
      `recipe${u.recipes.length > 1 ? "s" : ""} ${names(u.recipes.map((r) => `${r.projectName} / ${r.name}`))}`,
    );
  return parts.join(" and ");
}

/**
 * Refuses (409, the users in `details`) while projects or recipes run on it; with force, moves
 * them off it in the same transaction as `remove`, so no project ever names a deleted engine.
 */
export async function deleteWithUsers(
  t: Target,
  what: string,
  force: boolean,
  remove: (tx: Prisma.TransactionClient) => Promise<unknown>,
): Promise<DatabricksUsage> {
  const usage = await databricksUsage(t);
  if ((usage.projects.length || usage.recipes.length) && !force) {
    throw new AppError(
      "conflict",
      `${what} is the engine of ${describeUsers(usage)}. Pick another engine for them first, or delete with force=true to move them back to the local engine.`,
      { details: usage },
    );
  }
  const projectIds = usage.projects.map((p) => p.id);
  const recipeIds = usage.recipes.map((r) => r.id);
  await ctx().db.$transaction(async (tx) => {
    if (projectIds.length)
      await tx.project.updateMany({ where: { id: { in: projectIds } }, data: { engine: { kind: "local" } } });
    // A JSON column is cleared with SQL NULL (Prisma's DbNull marker is not exported by @sous/db):
    // the recipe follows its project's engine again.
    if (recipeIds.length)
      await tx.$executeRaw`UPDATE "Recipe" SET "engine" = NULL WHERE "id" = ANY(${recipeIds})`;
    await remove(tx);
  });
  return usage;
}
