import "server-only";
import { AppError, RecipeSpecSchema } from "@sous/contracts";
import { ctx } from "../context.ts";

// What depends on saved models, asked before they are deleted (directly, or with the dataset they
// were trained on): API endpoints serving one of their versions, which would stop answering, and
// recipes that score or evaluate with them, which would fail at their next build.

export const listNames = (names: string[]) =>
  names.length <= 1 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;

export interface SavedModelUsers {
  /** "service/endpoint", one per endpoint serving a version of one of the saved models. */
  endpoints: string[];
  recipes: { id: string; name: string }[];
}

export async function savedModelUsers(projectId: string, savedModelIds: string[]): Promise<SavedModelUsers> {
  if (savedModelIds.length === 0) return { endpoints: [], recipes: [] };
  const ids = new Set(savedModelIds);
  const [deployments, recipes] = await Promise.all([
    ctx().db.apiDeployment.findMany({
      where: { savedModelVersion: { savedModelId: { in: savedModelIds } } },
      select: { endpoint: { select: { id: true, name: true, service: { select: { name: true } } } } },
    }),
    ctx().db.recipe.findMany({ where: { projectId }, select: { id: true, name: true, spec: true } }),
  ]);
  const endpoints = new Map(
    deployments.map((d) => [d.endpoint.id, `${d.endpoint.service.name}/${d.endpoint.name}`]),
  );
  return {
    endpoints: [...endpoints.values()].sort(),
    recipes: recipes
      .filter((r) => {
        const spec = RecipeSpecSchema.safeParse(r.spec);
        return (
          spec.success &&
          (spec.data.kind === "score" || spec.data.kind === "evaluate") &&
          ids.has(spec.data.params.savedModelId)
        );
      })
      .map((r) => ({ id: r.id, name: r.name }))
      .sort((a, b) => a.name.localeCompare(b.name)),
  };
}

/** A 409 when an API endpoint serves one of the saved models: force never takes a live endpoint down. */
export function refuseWhileServed(users: SavedModelUsers, what: string): void {
  if (users.endpoints.length === 0) return;
  const many = users.endpoints.length > 1;
  throw new AppError(
    "conflict",
    `${what} serves API endpoint${many ? "s" : ""} ${listNames(users.endpoints)}: deploy another model to ${many ? "them" : "it"} or delete ${many ? "them" : "it"} on the API services page first.`,
  );
}
