// No "server-only" marker on purpose: bench/jobs.ts loads graphs with this same function, so the
// figure it prints is the one the API pays. It only uses the Db it is given.
import type { Db } from "@sous/db";
import type { BuildGraph } from "@sous/flow";

/**
 * The engine a recipe runs on, as one string: "local", or "databricks:<connection>:<profile>".
 * It is part of the build hash (switching engines outdates the output) and pipelines merge only
 * recipes with the same key. Read loosely: an unknown shape counts as local.
 */
export function engineKey(choice: unknown): string {
  const c = choice as { kind?: unknown; connectionId?: unknown; profileId?: unknown } | null;
  if (c?.kind === "databricks") return `databricks:${String(c.connectionId)}:${String(c.profileId)}`;
  return "local";
}

/** The project's flow as the planner sees it: datasets with their current version, recipes with io. */
export async function loadBuildGraph(db: Db, projectId: string): Promise<BuildGraph> {
  const [project, datasets, recipes] = await Promise.all([
    db.project.findUnique({ where: { id: projectId }, select: { engine: true } }),
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
      select: { id: true, name: true, kind: true, spec: true, engine: true, io: true },
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
        engine: engineKey(r.engine ?? project?.engine ?? null),
        spec: r.spec,
        inputs: io.filter((x) => x.role === "INPUT").map((x) => x.datasetId),
        outputs: io.filter((x) => x.role === "OUTPUT").map((x) => x.datasetId),
      };
    }),
  };
}
