import { MarkerType } from "@xyflow/react";
import type { FlowNodeT } from "./flow-nodes.tsx";

// Module-scope constants: new objects on every render would make React Flow re-render everything.
// Fit view (on load, after Arrange, and the Controls' button) keeps every node clear of what is
// drawn over the canvas: the legend at the top left, and at the bottom the zoom controls and the
// minimap (200 x 150 px, 15 px from the corner), so the last node is never hidden under it.
export const FIT_VIEW_OPTIONS = {
  padding: { top: "64px", left: "40px", right: "40px", bottom: "184px" },
  maxZoom: 1.1,
} as const;
export const DEFAULT_EDGE_OPTIONS = {
  type: "default",
  selectable: false,
  focusable: false,
  markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16, color: "#a8b0bd" },
};
export const SNAP_GRID: [number, number] = [8, 8];
// Ctrl/⌘ + click adds to the selection; Shift + drag draws a selection box (React Flow's default).
export const MULTI_SELECT_KEYS = ["Meta", "Control"];

export function miniMapColor(n: FlowNodeT): string {
  return n.type === "recipe" ? "#f5a524" : n.type === "savedModel" ? "#2f9e6b" : "#8fa3e6";
}
