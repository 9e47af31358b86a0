import type { FlowGraph } from "@sous/contracts";
import { formatRows } from "@/ui/format.ts";
import { type FlowNodeT, KNOWN_SIZE } from "./flow-nodes.tsx";
import { type Pt, placeNodes } from "./layout.ts";

/** Build the canvas nodes from the server graph, keeping positions already on screen. */
export function toCanvasNodes(
  graph: FlowGraph,
  current: FlowNodeT[],
  selectedId: string | null,
  runningRecipes: ReadonlySet<string>,
): { nodes: FlowNodeT[]; autoPlaced: string[] } {
  const onScreen = new Map(current.map((n) => [n.id, n.position]));
  const pinned = new Map<string, Pt>();
  for (const n of graph.nodes) {
    const p = onScreen.get(n.id) ?? n.position;
    if (p) pinned.set(n.id, p);
  }
  const pos = placeNodes(graph.nodes, graph.edges, pinned);
  const nodes = graph.nodes.map((n): FlowNodeT => {
    const position = pos.get(n.id) ?? { x: 0, y: 0 };
    const selected = n.id === selectedId;
    if (n.type === "dataset") {
      const label = `Dataset ${n.name}, ${n.state.replace("-", " ")}${n.rowCount !== null ? `, ${formatRows(n.rowCount)}` : ""}`;
      return {
        id: n.id,
        type: "dataset",
        position,
        selected,
        ...KNOWN_SIZE.dataset,
        ariaLabel: label,
        data: { name: n.name, state: n.state, rowCount: n.rowCount, outdated: n.outdated },
      };
    }
    if (n.type === "savedModel") {
      return {
        id: n.id,
        type: "savedModel",
        position,
        selected,
        ...KNOWN_SIZE.savedModel,
        ariaLabel: `Saved model ${n.name}${n.activeVersion !== null ? `, version ${n.activeVersion} active` : ""}`,
        data: {
          name: n.name,
          task: n.task,
          activeVersion: n.activeVersion,
          versionCount: n.versionCount,
        },
      };
    }
    return {
      id: n.id,
      type: "recipe",
      position,
      selected,
      ...KNOWN_SIZE.recipe,
      ariaLabel: `${n.kind} recipe ${n.name}`,
      data: { name: n.name, kind: n.kind, running: runningRecipes.has(n.id) },
    };
  });
  return { nodes, autoPlaced: graph.nodes.filter((n) => !pinned.has(n.id)).map((n) => n.id) };
}
