import "server-only";
import { listDatasets } from "@/server/services/datasets.ts";
import { flowSchemas } from "@/server/services/flow-schemas.ts";
import { listRecipes } from "@/server/services/recipes.ts";
import { loadProject } from "../../../../../_lib/project-page.ts";

/** The project, the caller's role and what a recipe editor needs; someone else's project is a 404. */
export async function loadEditorContext(projectId: string) {
  const { role, project } = await loadProject(projectId);
  const [datasets, recipes] = await Promise.all([listDatasets(projectId), listRecipes(projectId)]);
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
}
