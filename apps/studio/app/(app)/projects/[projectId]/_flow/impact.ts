import type { FlowGraph, FlowNode } from "@sous/contracts";

// What deleting a dataset does to the Flow, as DELETE /datasets/{id}?force=true does it: the
// recipe that writes the dataset and the recipes that read it are deleted with it; everything
// downstream of those recipes stays, with its data, but is no longer rebuilt from it.

type RecipeNode = Extract<FlowNode, { type: "recipe" }>;

export interface DatasetImpact {
  deleted: { node: RecipeNode; role: "writes" | "reads" }[];
  stays: FlowNode[];
  /** How many of `deleted` read the dataset (the API refuses those unless force=true). */
  readers: number;
}

export function datasetImpact(graph: Pick<FlowGraph, "nodes" | "edges">, datasetId: string): DatasetImpact {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const deleted: DatasetImpact["deleted"] = [];
  for (const e of graph.edges) {
    const writes = e.target === datasetId;
    const reads = e.source === datasetId;
    if (!writes && !reads) continue;
    const n = byId.get(writes ? e.source : e.target);
    if (n?.type === "recipe" && !deleted.some((d) => d.node.id === n.id))
      deleted.push({ node: n, role: writes ? "writes" : "reads" });
  }
  const seen = new Set([datasetId, ...deleted.map((d) => d.node.id)]);
  const out = new Map<string, string[]>();
  for (const e of graph.edges) {
    const list = out.get(e.source);
    if (list) list.push(e.target);
    else out.set(e.source, [e.target]);
  }
  const stays: FlowNode[] = [];
  const queue = deleted.map((d) => d.node.id);
  for (let i = 0; i < queue.length; i++) {
    for (const t of out.get(queue[i] as string) ?? []) {
      if (seen.has(t)) continue;
      seen.add(t);
      queue.push(t);
      const n = byId.get(t);
      if (n) stays.push(n);
    }
  }
  return { deleted, stays, readers: deleted.filter((d) => d.role === "reads").length };
}
