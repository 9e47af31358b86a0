"use client";

import type { DatasetInfo, FlowGraph, Recipe } from "@sous/contracts";
import {
  Background,
  BackgroundVariant,
  Controls,
  type Edge,
  MiniMap,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
} from "@xyflow/react";
import { useRouter } from "next/navigation";
import { useCallback, useMemo, useRef, useState } from "react";
import { formatRows } from "@/ui/format.ts";
import { ImportDialog } from "@/ui/import-dialog.tsx";
import { useToast } from "@/ui/toast.tsx";
import "@/ui/recipes.css";
import {
  DEFAULT_EDGE_OPTIONS,
  FIT_VIEW_OPTIONS,
  MULTI_SELECT_KEYS,
  miniMapColor,
  SNAP_GRID,
} from "./canvas-options.ts";
import { ArrangeUndoBar, DropOverlay, EmptyFlow, FlowLegend, SelectionBar } from "./canvas-overlays.tsx";
import { type FlowNodeT, nodeTypes } from "./flow-nodes.tsx";
import { FlowToolbar } from "./flow-toolbar.tsx";
import { NodeMenu } from "./node-menu.tsx";
import { SelectionPanel } from "./selection-panel.tsx";
import { useAfterIdle } from "./use-after-idle.ts";
import { useCanvasNodes, useGraphToCanvas } from "./use-canvas-nodes.ts";
import { datasetNameFor, useFileImport } from "./use-file-import.ts";
import { useFitNewNodes } from "./use-fit-new-nodes.ts";
import { useFlowBuilds } from "./use-flow-builds.ts";
import { useFlowData } from "./use-flow-data.ts";
import { useFlowSelection } from "./use-flow-selection.ts";
import { type NodeIntent, useFlowShortcuts } from "./use-flow-shortcuts.ts";
import { useLayoutEdits } from "./use-layout-edits.ts";
import { useLayoutUndo } from "./use-layout-undo.ts";
import { useNodeMenu } from "./use-node-menu.ts";
import { useSaveLayout } from "./use-save-layout.ts";
import "./flow-manage.css";

export interface FlowEditorProps {
  projectId: string;
  projectName: string;
  projectKey: string;
  canEdit: boolean;
  initialGraph: FlowGraph;
  /**
   * Schemas and recipe specs for the side panel. Optional: without them the canvas paints from
   * the graph alone and loads them right after (with 500 nodes they are more than half of the
   * page's payload, and nothing on the canvas needs them).
   */
  initialDatasets?: DatasetInfo[];
  initialRecipes?: Recipe[];
}

export function FlowEditor(props: FlowEditorProps) {
  return (
    <ReactFlowProvider>
      <FlowEditorInner {...props} />
    </ReactFlowProvider>
  );
}

function FlowEditorInner({
  projectId,
  projectName,
  projectKey,
  canEdit,
  initialGraph,
  initialDatasets,
  initialRecipes,
}: FlowEditorProps) {
  const router = useRouter();
  const toast = useToast();
  const { fitView } = useReactFlow();
  const { graph, datasets, recipes, refresh } = useFlowData(
    projectId,
    initialGraph,
    initialDatasets,
    initialRecipes,
  );
  const { runs, run, runningRecipes } = useFlowBuilds(projectId, refresh);
  const { nodes, setNodes, onNodesChange, nodesRef } = useCanvasNodes(initialGraph);
  const { selectedId, selectedRef, select, selectionCount, onSelectionChange } = useFlowSelection(setNodes);
  const showMiniMap = useAfterIdle();

  const saveLayout = useSaveLayout(projectId, canEdit);
  const undo = useLayoutUndo({ nodesRef, setNodes, saveLayout });
  useGraphToCanvas({ graph, runningRecipes, nodesRef, selectedRef, setNodes, saveLayout });
  const count = graph.nodes.length;
  useFitNewNodes(count);
  const { arrange, onNodeDragStart, onNodeDragStop } = useLayoutEdits({
    graph,
    nodesRef,
    setNodes,
    saveLayout,
    pushUndo: undo.push,
    setUndoBar: undo.setUndoBar,
  });

  const canvasRef = useRef<HTMLDivElement>(null);
  const { menu, closeMenu, onNodeContextMenu } = useNodeMenu(canvasRef, select);
  // Rename / delete asked from the menu or the keyboard: the panel opens in that mode.
  const [intent, setIntent] = useState<NodeIntent | null>(null);
  useFlowShortcuts({ canEdit, selectedRef, canUndo: undo.canUndo, undo: undo.undo, onIntent: setIntent });
  const file = useFileImport(canEdit);

  const edges = useMemo<Edge[]>(
    () =>
      graph.edges.map((e) => ({
        id: `${e.source}->${e.target}`,
        source: e.source,
        target: e.target,
        animated: runningRecipes.has(e.source) || runningRecipes.has(e.target),
      })),
    [graph.edges, runningRecipes],
  );
  const byId = useMemo(() => new Map(graph.nodes.map((n) => [n.id, n])), [graph.nodes]);
  const takenNames = useMemo(() => new Set(graph.nodes.map((n) => n.name)), [graph.nodes]);

  const onNodeDoubleClick = useCallback(
    (_: unknown, node: FlowNodeT) => {
      if (node.type === "dataset" && node.data.state === "built")
        router.push(`/projects/${projectId}/datasets/${node.id}`);
      if (node.type === "recipe") router.push(`/projects/${projectId}/recipes/${node.id}`);
      if (node.type === "savedModel") router.push(`/projects/${projectId}/lab`);
    },
    [router, projectId],
  );

  function focusNode(id: string) {
    select(id);
    void fitView({ nodes: [{ id }], duration: 300, maxZoom: 1.2, padding: 0.6 });
  }

  function imported(ds: DatasetInfo) {
    void refresh().then(() => select(ds.id));
    const rows = ds.currentVersion?.rowCount;
    toast(`Imported ${ds.name}${rows != null ? `: ${formatRows(rows)}` : ""}.`, "success");
  }

  return (
    <div className="flow-page">
      <FlowToolbar
        projectId={projectId}
        projectName={projectName}
        projectKey={projectKey}
        canEdit={canEdit}
        nodes={graph.nodes}
        takenNames={takenNames}
        uploadError={file.uploadError}
        onDismissUploadError={file.dismissUploadError}
        onPickNode={focusNode}
        onArrange={() => void arrange()}
        fileInput={file.fileInput}
        onFile={file.upload}
        onPickFile={file.pickFile}
        onImported={imported}
      />
      <div className="flow-body">
        {/* biome-ignore lint/a11y/noStaticElementInteractions: file drop target; the Upload button is the accessible path */}
        <div
          ref={canvasRef}
          className="flow-canvas"
          onDragOver={file.onDragOver}
          onDragLeave={file.onDragLeave}
          onDrop={file.onDrop}
          data-testid="flow-canvas"
        >
          <ReactFlow<FlowNodeT, Edge>
            nodes={nodes}
            edges={edges}
            nodeTypes={nodeTypes}
            onNodesChange={onNodesChange}
            onSelectionChange={onSelectionChange}
            onNodeDragStart={onNodeDragStart}
            onNodeDragStop={onNodeDragStop}
            onNodeDoubleClick={onNodeDoubleClick}
            onNodeContextMenu={onNodeContextMenu}
            onPaneClick={closeMenu}
            onMoveStart={closeMenu}
            onlyRenderVisibleElements
            defaultEdgeOptions={DEFAULT_EDGE_OPTIONS}
            nodesDraggable={canEdit}
            nodesConnectable={false}
            elementsSelectable
            selectNodesOnDrag={false}
            multiSelectionKeyCode={MULTI_SELECT_KEYS}
            deleteKeyCode={null}
            snapToGrid
            snapGrid={SNAP_GRID}
            fitView
            fitViewOptions={FIT_VIEW_OPTIONS}
            minZoom={0.2}
            maxZoom={2}
            attributionPosition="top-right"
          >
            <Background variant={BackgroundVariant.Dots} gap={16} size={1.2} color="#cdd2da" />
            {showMiniMap ? (
              <MiniMap<FlowNodeT>
                pannable
                zoomable
                nodeColor={miniMapColor}
                nodeStrokeWidth={0}
                ariaLabel="Flow overview"
              />
            ) : null}
            <Controls showInteractive={false} fitViewOptions={FIT_VIEW_OPTIONS} />
          </ReactFlow>
          {menu ? (
            <NodeMenu
              x={menu.x}
              y={menu.y}
              node={byId.get(menu.id)}
              canEdit={canEdit}
              onOpen={(n) => {
                closeMenu();
                router.push(
                  n.type === "savedModel"
                    ? `/projects/${projectId}/lab`
                    : `/projects/${projectId}/${n.type === "dataset" ? "datasets" : "recipes"}/${n.id}`,
                );
              }}
              onIntent={(id, mode) => {
                closeMenu();
                setIntent({ id, mode, n: Date.now() });
              }}
            />
          ) : null}
          {undo.undoBar ? (
            <ArrangeUndoBar onUndo={() => void undo.undo()} onDismiss={() => undo.setUndoBar(false)} />
          ) : null}
          {selectionCount > 1 ? <SelectionBar count={selectionCount} /> : null}
          {count > 0 ? <FlowLegend savedModels={graph.nodes.some((n) => n.type === "savedModel")} /> : null}
          {count === 0 ? <EmptyFlow canEdit={canEdit} onUpload={file.pickFile} /> : null}
          {file.dragOver ? <DropOverlay /> : null}
        </div>
        <SelectionPanel
          projectId={projectId}
          canEdit={canEdit}
          graph={graph}
          byId={byId}
          datasets={datasets}
          recipes={recipes}
          selected={selectedId ? byId.get(selectedId) : undefined}
          intent={intent}
          takenNames={takenNames}
          runs={runs}
          run={run}
          select={select}
          refresh={refresh}
          onUpload={file.pickFile}
          onArrange={() => void arrange()}
        />
      </div>
      {file.importFile ? (
        <ImportDialog
          projectId={projectId}
          file={file.importFile}
          defaultName={datasetNameFor(file.importFile.name, takenNames)}
          takenNames={takenNames}
          onClose={file.closeImport}
          onImported={(ds) => {
            file.closeImport();
            imported(ds);
          }}
        />
      ) : null}
    </div>
  );
}
