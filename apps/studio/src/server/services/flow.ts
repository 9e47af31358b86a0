import "server-only";
import type { FlowGraph } from "@sous/contracts";
import { computeFreshness } from "@sous/flow";
import { loadBuildGraph, scoredModelId } from "@sous/server-domain";
import { ctx } from "../context.ts";

export async function getFlow(projectId: string): Promise<FlowGraph> {
  const { db } = ctx();
  const [datasets, recipes, layout, running, graph, models] = await Promise.all([
    db.dataset.findMany({ where: { projectId }, include: { currentVersion: true } }),
    db.recipe.findMany({ where: { projectId }, include: { io: true } }),
    db.flowNodeLayout.findMany({ where: { projectId } }),
    db.jobActivity.findMany({
      where: { job: { projectId }, state: { in: ["QUEUED", "RUNNING"] } },
      select: { outputDatasetId: true },
    }),
    loadBuildGraph(db, projectId),
    db.savedModel.findMany({
      where: { projectId },
      select: {
        id: true,
        name: true,
        datasetId: true,
        activeVersion: { select: { number: true, task: true } },
        _count: { select: { versions: true } },
      },
    }),
  ]);
  const modelIds = new Set(models.map((m) => m.id));
  const freshness = computeFreshness(graph);
  const pos = new Map(layout.map((l) => [l.nodeId, { x: l.x, y: l.y }]));
  const building = new Set(running.map((a) => a.outputDatasetId));
  return {
    nodes: [
      ...datasets.map((d) => ({
        type: "dataset" as const,
        id: d.id,
        name: d.name,
        state: building.has(d.id)
          ? ("building" as const)
          : d.currentVersionId
            ? ("built" as const)
            : ("never-built" as const),
        outdated: Boolean(freshness.get(d.id)?.outdated && !freshness.get(d.id)?.missing),
        rowCount:
          d.currentVersion?.rowCount === null || !d.currentVersion ? null : Number(d.currentVersion.rowCount),
        position: pos.get(d.id) ?? null,
      })),
      ...recipes.map((r) => ({
        type: "recipe" as const,
        id: r.id,
        name: r.name,
        kind: r.kind,
        engine: "local",
        position: pos.get(r.id) ?? null,
      })),
      // Saved models (DSS's green diamond): from their training dataset to the recipes scoring with them.
      ...models.map((m) => ({
        type: "savedModel" as const,
        id: m.id,
        name: m.name,
        task: m.activeVersion?.task ?? null,
        activeVersion: m.activeVersion?.number ?? null,
        versionCount: m._count.versions,
        position: pos.get(m.id) ?? null,
      })),
    ],
    edges: [
      ...recipes.flatMap((r) => {
        const modelId = scoredModelId(r.spec);
        return [
          ...(modelId && modelIds.has(modelId) ? [{ source: modelId, target: r.id }] : []),
          ...r.io.map((x) =>
            x.role === "INPUT"
              ? { source: x.datasetId, target: r.id }
              : { source: r.id, target: x.datasetId },
          ),
        ];
      }),
      ...models.map((m) => ({ source: m.datasetId, target: m.id })),
    ],
  };
}

export async function saveLayout(
  projectId: string,
  positions: { nodeId: string; x: number; y: number }[],
): Promise<void> {
  const { db } = ctx();
  await db.$transaction(
    positions.map((p) =>
      db.flowNodeLayout.upsert({
        where: { projectId_nodeId: { projectId, nodeId: p.nodeId } },
        create: { projectId, nodeId: p.nodeId, x: p.x, y: p.y },
        update: { x: p.x, y: p.y },
      }),
    ),
  );
}
