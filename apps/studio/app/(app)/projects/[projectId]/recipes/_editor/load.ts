import "server-only";
import { AppError } from "@sous/contracts";
import { notFound } from "next/navigation";
import { listDatasets } from "@/server/services/datasets.ts";
import { flowSchemas } from "@/server/services/flow-schemas.ts";
import { requireProjectRole } from "@/server/services/project-access.ts";
import { getProject } from "@/server/services/projects.ts";
import { listRecipes } from "@/server/services/recipes.ts";
import { requireUser } from "../../../../../_lib/session.ts";

/** The project, the caller's role and what a recipe editor needs; someone else's project is a 404. */
export async function loadEditorContext(projectId: string) {
  const user = await requireUser();
  try {
    const role = await requireProjectRole({ user, projectId, minRole: "VIEWER" });
    const [project, datasets, recipes] = await Promise.all([
      getProject(projectId, role),
      listDatasets(projectId),
      listRecipes(projectId),
    ]);
    // Unbuilt datasets carry the schema their recipe infers, so recipes on them can be designed.
    const schemas = await flowSchemas(projectId);
    return {
      role,
      project,
      datasets: datasets.map((d) => {
        const s = schemas.get(d.id);
        return d.schema === null && s?.status === "inferred" ? { ...d, schema: s.schema } : d;
      }),
      recipes,
      takenNames: [...datasets.map((d) => d.name), ...recipes.map((r) => r.name)],
    };
  } catch (e) {
    if (e instanceof AppError && (e.code === "not_found" || e.code === "forbidden")) notFound();
    throw e;
  }
}
