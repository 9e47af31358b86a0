import type { FlowGraph, FlowNode } from "@sous/contracts";

// Questions the side panel asks of the graph about one recipe.

export type DatasetNode = Extract<FlowNode, { type: "dataset" }>;
export type RecipeNode = Extract<FlowNode, { type: "recipe" }>;
type NodesById = ReadonlyMap<string, FlowNode>;

const datasetsOf = (byId: NodesById, ids: string[]) =>
  ids.map((id) => byId.get(id)).filter((n): n is DatasetNode => n?.type === "dataset");

export const inputsOf = (graph: FlowGraph, byId: NodesById, recipeId: string) =>
  datasetsOf(
    byId,
    graph.edges.filter((e) => e.target === recipeId).map((e) => e.source),
  );

export const outputsOf = (graph: FlowGraph, byId: NodesById, recipeId: string) =>
  datasetsOf(
    byId,
    graph.edges.filter((e) => e.source === recipeId).map((e) => e.target),
  );

/** Recipes reachable from a recipe's outputs: what a delete leaves without fresh inputs. */
export function downstreamOf(graph: FlowGraph, byId: NodesById, recipeId: string): RecipeNode[] {
  const seen = new Set<string>([recipeId]);
  const out: RecipeNode[] = [];
  const queue = [recipeId];
  while (queue.length) {
    const id = queue.shift() as string;
    for (const e of graph.edges) {
      if (e.source !== id || seen.has(e.target)) continue;
      seen.add(e.target);
      queue.push(e.target);
      const n = byId.get(e.target);
      if (n?.type === "recipe") out.push(n);
    }
  }
  return out;
}
