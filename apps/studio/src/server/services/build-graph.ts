// No "server-only" marker on purpose: bench/jobs.ts loads graphs with this same function, so the
// figure it prints is the one the API pays. It only uses the Db it is given.
import type { Db } from "@sous/db";
import type { BuildGraph } from "@sous/flow";

/** The project's flow as the planner sees it: datasets with their current version, recipes with io. */
export async function loadBuildGraph(db: Db, projectId: string): Promise<BuildGraph> {
  const [datasets, recipes] = await Promise.all([
    db.dataset.findMany({
      where: { projectId },
      select: {
        id: true,
        name: true,
        keepInPipeline: true,
        currentVersion: { select: { id: true, buildHash: true } },
      },
    }),
    db.recipe.findMany({
      where: { projectId },
      select: { id: true, name: true, kind: true, spec: true, io: true },
    }),
  ]);
  return {
    datasets: datasets.map((d) => ({
      id: d.id,
      name: d.name,
      keepInPipeline: d.keepInPipeline,
      current: d.currentVersion,
    })),
    recipes: recipes.map((r) => {
      const io = [...r.io].sort((a, b) => a.position - b.position);
      return {
        id: r.id,
        name: r.name,
        kind: r.kind,
        // Every recipe runs locally until the Databricks engine lands; then this reads the recipe's choice.
        engine: "local",
        spec: r.spec,
        inputs: io.filter((x) => x.role === "INPUT").map((x) => x.datasetId),
        outputs: io.filter((x) => x.role === "OUTPUT").map((x) => x.datasetId),
      };
    }),
  };
}
