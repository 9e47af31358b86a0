"use client";

import { Handle, type Node, type NodeProps, Position } from "@xyflow/react";
import { memo } from "react";
import { StateBadge } from "@/ui/badge.tsx";
import { formatRows } from "@/ui/format.ts";
import { TableIcon } from "@/ui/icons.tsx";
import { NodeBuildProgress } from "@/ui/node-build-progress.tsx";
import { RecipeIcon } from "@/ui/recipe-icons.tsx";
import { recipeKindLabel } from "@/ui/recipe-kinds.ts";
import { NODE_SIZE } from "./layout.ts";

export type DatasetNodeData = {
  name: string;
  state: "never-built" | "built" | "building" | "failed";
  rowCount: number | null;
  /** Built, but not from the current recipe and inputs (flow API `outdated`). */
  outdated?: boolean;
};
export type RecipeNodeData = { name: string; kind: string; running: boolean };
export type DatasetFlowNode = Node<DatasetNodeData, "dataset">;
export type RecipeFlowNode = Node<RecipeNodeData, "recipe">;
export type SavedModelNodeData = {
  name: string;
  task: string | null;
  activeVersion: number | null;
  versionCount: number;
};
export type SavedModelFlowNode = Node<SavedModelNodeData, "savedModel">;
export type FlowNodeT = DatasetFlowNode | RecipeFlowNode | SavedModelFlowNode;

// Memoised: React Flow re-renders nodes on every drag frame otherwise.
export const DatasetNode = memo(function DatasetNode({ id, data }: NodeProps<DatasetFlowNode>) {
  return (
    <div className="node-card" data-testid={`node-${data.name}`} data-state={data.state} data-kind="dataset">
      <Handle type="target" position={Position.Left} className="flow-handle" isConnectable={false} />
      <span className="node-icon">
        <TableIcon size={20} />
      </span>
      <span className="node-text">
        <span className="node-name" title={data.name}>
          {data.name}
        </span>
        <span className="node-sub">
          <span data-testid={`node-rows-${data.name}`}>
            {data.state === "built" ? formatRows(data.rowCount) : "—"}
          </span>
          <StateBadge state={data.state} testId={`node-state-${data.name}`} />
          <NodeBuildProgress datasetId={id} outdated={data.state === "built" && data.outdated} />
        </span>
      </span>
      <Handle type="source" position={Position.Right} className="flow-handle" isConnectable={false} />
    </div>
  );
});

export const RecipeNode = memo(function RecipeNode({ data }: NodeProps<RecipeFlowNode>) {
  return (
    <div
      className="recipe-node"
      data-testid={`node-${data.name}`}
      data-kind="recipe"
      data-recipe-kind={data.kind}
      data-running={data.running}
    >
      <Handle type="target" position={Position.Left} className="flow-handle" isConnectable={false} />
      <div className="recipe-disc" aria-hidden="true" title={`${recipeKindLabel(data.kind)} recipe`}>
        <RecipeIcon kind={data.kind} size={28} />
      </div>
      <div className="recipe-label" title={data.name}>
        {data.name}
      </div>
      <Handle type="source" position={Position.Right} className="flow-handle" isConnectable={false} />
    </div>
  );
});

/** A saved model: a green diamond (DSS's shape for models), its active version under its name. */
export const SavedModelNode = memo(function SavedModelNode({ data }: NodeProps<SavedModelFlowNode>) {
  return (
    <div className="recipe-node saved-model-node" data-testid={`node-${data.name}`} data-kind="savedModel">
      <Handle type="target" position={Position.Left} className="flow-handle" isConnectable={false} />
      <div className="saved-model-diamond" aria-hidden="true" title="Saved model">
        <svg
          width={28}
          height={28}
          viewBox="0 0 24 24"
          fill="none"
          stroke="currentColor"
          strokeWidth={2}
          aria-hidden="true"
        >
          <path d="M12 3 21 12 12 21 3 12z" />
          <path d="M8 12h8M12 8v8" strokeWidth={1.5} />
        </svg>
      </div>
      <div className="recipe-label" title={data.name}>
        {data.name}
        <span className="saved-model-version" data-testid={`node-version-${data.name}`}>
          {data.activeVersion !== null ? ` v${data.activeVersion}` : " (no version)"}
        </span>
      </div>
      <Handle type="source" position={Position.Right} className="flow-handle" isConnectable={false} />
    </div>
  );
});

// Stable across renders (module scope), as React Flow requires.
export const nodeTypes = { dataset: DatasetNode, recipe: RecipeNode, savedModel: SavedModelNode };

/**
 * Sizes and handles known ahead (the CSS fixes both): React Flow then draws edges and leaves
 * off-screen nodes out of the DOM (onlyRenderVisibleElements) from the first render, instead of
 * rendering all of them once to measure them. Rendered nodes are still measured.
 */
function known(type: "dataset" | "recipe" | "savedModel") {
  const { w, h } = NODE_SIZE[type];
  return {
    measured: { width: w, height: h },
    handles: [
      { type: "target" as const, position: Position.Left, x: -4, y: h / 2 - 4, width: 8, height: 8 },
      { type: "source" as const, position: Position.Right, x: w - 4, y: h / 2 - 4, width: 8, height: 8 },
    ],
  };
}
export const KNOWN_SIZE = {
  dataset: known("dataset"),
  recipe: known("recipe"),
  savedModel: known("savedModel"),
};
