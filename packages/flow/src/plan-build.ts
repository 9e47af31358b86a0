import type { BuildMode, BuildPlan, PlannedActivity } from "@sous/contracts";
import { computeFreshness } from "./freshness.ts";
import { type BuildGraph, type GraphRecipe, indexGraph } from "./graph.ts";

export type PlanResult =
  | { ok: true; plan: BuildPlan }
  | { ok: false; reason: "unknown"; datasetIds: string[] }
  | { ok: false; reason: "unbuildable"; datasetIds: string[] };

type Reason = PlannedActivity["reason"];

/**
 * Plans a build: which datasets to (re)build for the mode, which consecutive recipes merge into one
 * pipeline (intermediates computed inside one statement, not written), and the activities in
 * dependency order (every activity after those it depends on). Pure: the caller loads the graph.
 *
 * An intermediate dataset is virtualised only when it is not a target, not marked to keep, read by
 * exactly one recipe of this build, on the same engine: otherwise it would be computed twice.
 */
export function planBuild(args: {
  graph: BuildGraph;
  targets: readonly string[];
  mode: BuildMode;
  pipelines?: boolean;
}): PlanResult {
  const g = indexGraph(args.graph);
  const targets = [...new Set(args.targets)];
  const unknown = targets.filter((t) => !g.dataset.has(t));
  if (unknown.length) return { ok: false, reason: "unknown", datasetIds: unknown };
  const unbuildable = targets.filter((t) => !g.producer.has(t));
  if (unbuildable.length) return { ok: false, reason: "unbuildable", datasetIds: unbuildable };

  const fresh = computeFreshness(g);
  const targetSet = new Set(targets);
  const selected = new Map<string, Reason>();
  const upToDate = new Set<string>();
  const inputsOf = (d: string) => g.producer.get(d)?.inputs ?? [];

  if (args.mode === "build-only-this") {
    for (const t of targets) selected.set(t, "target");
  } else if (args.mode === "forced-recursive") {
    const visit = (d: string, seen: Set<string>) => {
      if (seen.has(d) || !g.producer.has(d)) return;
      seen.add(d);
      selected.set(d, targetSet.has(d) ? "target" : "forced");
      for (const i of inputsOf(d)) visit(i, seen);
    };
    const seen = new Set<string>();
    for (const t of targets) visit(t, seen);
  } else if (args.mode === "missing-only") {
    const seen = new Set<string>();
    const visit = (d: string) => {
      if (seen.has(d) || !g.producer.has(d)) return;
      seen.add(d);
      if (!fresh.get(d)?.missing) {
        upToDate.add(d);
        return;
      }
      selected.set(d, "missing");
      for (const i of inputsOf(d)) visit(i);
    };
    for (const t of targets) visit(t);
  } else {
    // smart: a dataset is rebuilt when it is outdated. The hash is recursive (it covers every
    // recipe and source upstream), so an up-to-date dataset needs nothing above it, even when an
    // intermediate was never written (a pipeline built it); an outdated one needs its outdated inputs.
    const seen = new Set<string>();
    const visit = (d: string) => {
      if (seen.has(d) || !g.producer.has(d)) return;
      seen.add(d);
      const f = fresh.get(d);
      if (f && !f.outdated) {
        upToDate.add(d);
        return;
      }
      selected.set(d, f?.missing ? "missing" : "outdated");
      for (const i of inputsOf(d)) visit(i);
    };
    for (const t of targets) visit(t);
  }

  // Pipelines: which selected datasets stay virtual.
  const producerOf = (d: string) => g.producer.get(d)!;
  const virtual = new Set<string>();
  if (args.pipelines ?? true) {
    for (const d of selected.keys()) {
      if (targetSet.has(d) || g.dataset.get(d)?.keepInPipeline) continue;
      const readers = new Set(
        (g.consumers.get(d) ?? []).filter((r) => r.outputs.some((o) => selected.has(o))).map((r) => r.id),
      );
      if (readers.size !== 1) continue;
      const reader = g.recipe.get([...readers][0]!)!;
      if (reader.engine !== producerOf(d).engine || producerOf(d).outputs.length !== 1) continue;
      if (reader.outputs.length !== 1) continue;
      // A SQL code recipe is the user's own statement: it runs alone, on written datasets.
      if (reader.kind === "sql" || producerOf(d).kind === "sql") continue;
      // A score recipe ends a pipeline (its SELECT wraps the recipes before it): its output is written.
      if (producerOf(d).kind === "score") continue;
      virtual.add(d);
    }
  }

  // Activities: one per written dataset, in DFS post-order over inputs (a topological order).
  const activities: PlannedActivity[] = [];
  const positionOf = new Map<string, number>();
  const placing = new Set<string>();
  const place = (d: string) => {
    if (positionOf.has(d) || placing.has(d)) return;
    placing.add(d);
    const members: GraphRecipe[] = [];
    const virtuals: string[] = [];
    const deps = new Set<string>();
    const collect = (x: string) => {
      const r = producerOf(x);
      for (const i of r.inputs) {
        if (virtual.has(i)) {
          collect(i);
          virtuals.push(i);
        } else if (selected.has(i)) deps.add(i);
      }
      if (!members.includes(r)) members.push(r);
    };
    collect(d);
    for (const dep of deps) place(dep);
    placing.delete(d);
    const position = activities.length;
    positionOf.set(d, position);
    const names = (ids: string[]) => ids.map((id) => g.dataset.get(id)?.name ?? id);
    activities.push({
      position,
      recipeIds: members.map((r) => r.id),
      recipeNames: members.map((r) => r.name),
      outputDatasetId: d,
      outputDatasetName: g.dataset.get(d)?.name ?? d,
      virtualDatasetIds: virtuals,
      virtualDatasetNames: names(virtuals),
      engine: producerOf(d).engine,
      dependsOn: [...deps].map((x) => positionOf.get(x)).filter((p): p is number => p !== undefined),
      reason: selected.get(d)!,
    });
  };
  // Targets first so independent targets keep the order asked; their upstreams are placed before them.
  for (const d of [...targets.filter((t) => selected.has(t)), ...selected.keys()]) {
    if (!virtual.has(d)) place(d);
  }
  return {
    ok: true,
    plan: {
      mode: args.mode,
      targets,
      pipelines: args.pipelines ?? true,
      activities,
      upToDate: [...upToDate],
    },
  };
}

/** Every activity that depends on `position`, directly or not: what a failure there skips. */
export function downstreamOf(
  activities: readonly { position: number; dependsOn: number[] }[],
  position: number,
) {
  const out = new Set<number>();
  let grew = true;
  while (grew) {
    grew = false;
    for (const a of activities) {
      if (out.has(a.position)) continue;
      if (a.dependsOn.some((p) => p === position || out.has(p))) {
        out.add(a.position);
        grew = true;
      }
    }
  }
  return [...out].sort((a, b) => a - b);
}
