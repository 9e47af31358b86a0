"use client";

import type { DatasetInfo, FlowGraph, FlowNode, Recipe } from "@sous/contracts";
import { useRouter } from "next/navigation";
import { useToast } from "@/ui/toast.tsx";
import { type DatasetNode, downstreamOf, inputsOf, outputsOf, type RecipeNode } from "./graph-queries.ts";
import { datasetImpact } from "./impact.ts";
import { RunSection } from "./run-section.tsx";
import { SavedModelPanel } from "./saved-model-panel.tsx";
import { DatasetPanel, OverviewPanel, RecipePanel } from "./side-panel.tsx";
import type { NodeIntent } from "./use-flow-shortcuts.ts";
import type { RunState, useRuns } from "./use-runs.ts";

/** The side panel: the selected node's details and actions, or the project overview. */
export function SelectionPanel({
  projectId,
  canEdit,
  graph,
  byId,
  datasets,
  recipes,
  selected,
  intent,
  takenNames,
  runs,
  run,
  select,
  refresh,
  onUpload,
  onArrange,
}: {
  projectId: string;
  canEdit: boolean;
  graph: FlowGraph;
  byId: ReadonlyMap<string, FlowNode>;
  datasets: DatasetInfo[];
  recipes: Recipe[];
  selected: FlowNode | undefined;
  /** Rename / delete asked from the menu or the keyboard: the panel opens in that mode. */
  intent: NodeIntent | null;
  takenNames: ReadonlySet<string>;
  runs: Record<string, RunState>;
  run: ReturnType<typeof useRuns>["run"];
  select: (id: string | null) => void;
  refresh: () => Promise<unknown>;
  onUpload: () => void;
  onArrange: () => void;
}) {
  const router = useRouter();
  const toast = useToast();

  function runSection(recipe: RecipeNode) {
    const outputs = outputsOf(graph, byId, recipe.id);
    return (
      <RunSection
        projectId={projectId}
        recipeName={recipe.name}
        outputs={outputs}
        run={runs[recipe.id]}
        canEdit={canEdit}
        onRun={(mode) =>
          void run(
            recipe.id,
            outputs.map((o) => o.id),
            mode,
          )
        }
      />
    );
  }

  if (selected?.type === "dataset") {
    const info = datasets.find((d) => d.id === selected.id);
    const producerId = graph.edges.find((e) => e.target === selected.id)?.source;
    const producer = producerId ? byId.get(producerId) : undefined;
    const producerRecipe = producer?.type === "recipe" ? producer : undefined;
    return (
      <DatasetPanel
        // A new intent remounts the panel, so it opens in the asked mode even when already shown.
        key={`${selected.id}:${intent?.id === selected.id ? intent.n : 0}`}
        initialMode={intent?.id === selected.id ? intent.mode : null}
        projectId={projectId}
        node={selected}
        info={info}
        producer={producerRecipe}
        impact={datasetImpact(graph, selected.id)}
        canEdit={canEdit}
        onClose={() => select(null)}
        onRenamed={(d) => {
          void refresh();
          toast(`Renamed to ${d.name}.`, "success");
        }}
        onDeleted={(r) => {
          select(null);
          void refresh();
          toast(
            `Deleted ${r.dataset.name}${r.recipes.length ? ` and ${r.recipes.map((x) => x.name).join(", ")}` : ""}.`,
            "success",
          );
        }}
        onNewRecipe={(kind) =>
          router.push(
            `/projects/${projectId}/recipes/new?kind=${encodeURIComponent(kind)}&input=${selected.id}`,
          )
        }
      >
        {producerRecipe ? runSection(producerRecipe) : null}
      </DatasetPanel>
    );
  }
  if (selected?.type === "recipe") {
    return (
      <RecipePanel
        key={`${selected.id}:${intent?.id === selected.id ? intent.n : 0}`}
        initialMode={intent?.id === selected.id ? intent.mode : null}
        projectId={projectId}
        node={selected}
        recipe={recipes.find((r) => r.id === selected.id)}
        inputs={inputsOf(graph, byId, selected.id)}
        outputs={outputsOf(graph, byId, selected.id)}
        downstream={downstreamOf(graph, byId, selected.id)}
        canEdit={canEdit}
        takenNames={takenNames}
        onClose={() => select(null)}
        onChanged={() => void refresh()}
        onDeleted={() => {
          const name = selected.name;
          select(null);
          void refresh();
          toast(`Deleted ${name}. Its output dataset stays.`, "success");
        }}
      >
        {runSection(selected)}
      </RecipePanel>
    );
  }
  if (selected?.type === "savedModel") {
    return (
      <SavedModelPanel
        key={selected.id}
        projectId={projectId}
        node={selected}
        datasets={graph.nodes.filter((n): n is DatasetNode => n.type === "dataset")}
        canEdit={canEdit}
        onClose={() => select(null)}
        onChanged={() => void refresh()}
        onScore={(datasetId) =>
          router.push(
            `/projects/${projectId}/recipes/new?kind=score&input=${encodeURIComponent(datasetId)}&model=${encodeURIComponent(selected.id)}`,
          )
        }
      />
    );
  }
  return (
    <OverviewPanel
      datasets={graph.nodes.filter((n) => n.type === "dataset").length}
      recipes={graph.nodes.filter((n) => n.type === "recipe").length}
      canEdit={canEdit}
      onUpload={onUpload}
      onAutoLayout={onArrange}
    />
  );
}
