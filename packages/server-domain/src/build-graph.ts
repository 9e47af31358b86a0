// The project's flow as the planner (`@sous/flow`) sees it, loaded from Postgres. One loader for
// the studio (plan, freshness), the worker's tests and bench/jobs.ts, so the graph a job was
// planned on and the one a test builds are read by the same query.
import { AppError, EngineChoiceSchema } from "@sous/contracts";
import type { Db } from "@sous/db";
import type { BuildGraph } from "@sous/flow";
import { activeModelVersions, scoredModelId } from "./scoring-model.ts";

/** Where a recipe's activity runs when it is not local. */
export type RemoteChoice = { connectionId: string; profileId: string };

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

/**
 * An activity's engine key (written by `engineKey` when the job was planned) as a Databricks
 * choice, or null for local. Read strictly, unlike `engineKey`: the worker must not run a recipe
 * on an engine it half understood, so anything else is refused.
 */
export function parseEngineKey(key: string): RemoteChoice | null {
  if (key === "local") return null;
  const [kind, connectionId, profileId, ...rest] = key.split(":");
  const parsed = EngineChoiceSchema.safeParse({ kind, connectionId, profileId });
  if (rest.length > 0 || !parsed.success || parsed.data.kind !== "databricks")
    throw new AppError(
      "invalid_input",
      `This activity names an engine this worker does not know (${key}). Pick the engine of the recipe again and rebuild.`,
    );
  return { connectionId: parsed.data.connectionId, profileId: parsed.data.profileId };
}

/** A build graph whose datasets also carry their stored schema (the JSON as stored, or null). */
export type BuildGraphWithSchemas = Omit<BuildGraph, "datasets"> & {
  datasets: (BuildGraph["datasets"][number] & { schema: unknown })[];
};

/**
 * The project's flow as the planner sees it: datasets with their current version, recipes with
 * io; and each dataset's stored schema, so a build is planned and its recipes checked against
 * their inputs' schemas from one read of the flow.
 */
export async function loadBuildGraph(db: Db, projectId: string): Promise<BuildGraphWithSchemas> {
  const [project, datasets, recipes, models] = await Promise.all([
    db.project.findUnique({ where: { id: projectId }, select: { engine: true } }),
    db.dataset.findMany({
      where: { projectId },
      select: {
        id: true,
        name: true,
        keepInPipeline: true,
        schema: true,
        currentVersion: { select: { id: true, buildHash: true } },
      },
    }),
    db.recipe.findMany({
      where: { projectId },
      select: { id: true, name: true, kind: true, spec: true, engine: true, io: true },
    }),
    activeModelVersions(db, projectId),
  ]);
  return {
    datasets: datasets.map((d) => ({
      id: d.id,
      name: d.name,
      keepInPipeline: d.keepInPipeline,
      current: d.currentVersion,
      schema: d.schema,
    })),
    recipes: recipes.map((r) => {
      const io = [...r.io].sort((a, b) => a.position - b.position);
      // A score recipe's output is built by its saved model's active version too.
      const modelId = scoredModelId(r.spec);
      return {
        ...(modelId !== null ? { model: models.get(modelId) ?? null } : {}),
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
