"use client";

import type { DatasetInfo, FlowGraph, FlowNode, Job, Recipe } from "@sous/contracts";
import {
  Background,
  BackgroundVariant,
  Controls,
  type Edge,
  MarkerType,
  MiniMap,
  type NodeMouseHandler,
  type OnSelectionChangeFunc,
  ReactFlow,
  ReactFlowProvider,
  useNodesState,
  useReactFlow,
} from "@xyflow/react";
import { useRouter } from "next/navigation";
import { type DragEvent, type ReactNode, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { api, errorMessage } from "@/ui/api.ts";
import { Button, ButtonLink } from "@/ui/button.tsx";
import { ConnectionImportButton } from "@/ui/connection-import-dialog.tsx";
import { formatRows, plural } from "@/ui/format.ts";
import {
  CloseIcon,
  ExternalIcon,
  JobsIcon,
  LabIcon,
  LayoutIcon,
  NotebookIcon,
  UploadIcon,
  UsersIcon,
} from "@/ui/icons.tsx";
import { ImportDialog } from "@/ui/import-dialog.tsx";
import { EmptyState } from "@/ui/panel.tsx";
import { useToast } from "@/ui/toast.tsx";
import { useHydrated } from "@/ui/use-hydrated.ts";
import "@/ui/recipes.css";
import { toObjectName } from "@/ui/recipe-kinds.ts";
import { type FlowNodeT, KNOWN_SIZE, nodeTypes } from "./flow-nodes.tsx";
import { FlowSearch } from "./flow-search.tsx";
import { datasetImpact } from "./impact.ts";
import { type Pt, placeNodes } from "./layout.ts";
import { RunSection } from "./run-section.tsx";
import { SavedModelPanel } from "./saved-model-panel.tsx";
import { DatasetPanel, OverviewPanel, RecipePanel } from "./side-panel.tsx";
import { isActive, useRuns } from "./use-runs.ts";
import "./flow-manage.css";

type DatasetNode = Extract<FlowNode, { type: "dataset" }>;
type RecipeNode = Extract<FlowNode, { type: "recipe" }>;

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

// Module-scope constants: new objects on every render would make React Flow re-render everything.
// Fit view (on load, after Arrange, and the Controls' button) keeps every node clear of what is
// drawn over the canvas: the legend at the top left, and at the bottom the zoom controls and the
// minimap (200 x 150 px, 15 px from the corner), so the last node is never hidden under it.
const FIT_VIEW_OPTIONS = {
  padding: { top: "64px", left: "40px", right: "40px", bottom: "184px" },
  maxZoom: 1.1,
} as const;
const DEFAULT_EDGE_OPTIONS = {
  type: "default",
  selectable: false,
  focusable: false,
  markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16, color: "#a8b0bd" },
};
const SNAP_GRID: [number, number] = [8, 8];
// Ctrl/⌘ + click adds to the selection; Shift + drag draws a selection box (React Flow's default).
const MULTI_SELECT_KEYS = ["Meta", "Control"];

function miniMapColor(n: FlowNodeT): string {
  return n.type === "recipe" ? "#f5a524" : n.type === "savedModel" ? "#2f9e6b" : "#8fa3e6";
}

/** Build the canvas nodes from the server graph, keeping positions already on screen. */
function toCanvasNodes(
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

/** "sales 2024.csv" -> "sales 2024", made unique among existing names. */
function datasetNameFor(fileName: string, taken: ReadonlySet<string>): string {
  const base = toObjectName(fileName.replace(/\.[^.]+$/, ""));
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}_${i}`)) return `${base}_${i}`;
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
  const [graph, setGraph] = useState(initialGraph);
  const [datasets, setDatasets] = useState(initialDatasets ?? []);
  const [recipes, setRecipes] = useState(initialRecipes ?? []);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [uploadError, setUploadError] = useState<string | null>(null);
  const [dragOver, setDragOver] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const hydrated = useHydrated();

  // Computed once (not on every render, where useNodesState would ignore it anyway).
  const [initialNodes] = useState(() => toCanvasNodes(initialGraph, [], null, new Set()).nodes);
  const [nodes, setNodes, onNodesChange] = useNodesState<FlowNodeT>(initialNodes);
  const nodesRef = useRef(nodes);
  nodesRef.current = nodes;
  const selectedRef = useRef(selectedId);
  selectedRef.current = selectedId;

  const refresh = useCallback(async () => {
    try {
      const [g, ds, rs] = await Promise.all([
        api<FlowGraph>(`/projects/${projectId}/flow`),
        api<DatasetInfo[]>(`/projects/${projectId}/datasets`),
        api<Recipe[]>(`/projects/${projectId}/recipes`),
      ]);
      setGraph(g);
      setDatasets(ds);
      setRecipes(rs);
      return g;
    } catch (e) {
      toast(`Could not refresh the Flow: ${errorMessage(e)}`, "error");
      return null;
    }
  }, [projectId, toast]);

  const { runs, run, follow } = useRuns(projectId, refresh);

  // The side panel's details, when the page did not send them.
  const needDetails = useRef(initialDatasets === undefined || initialRecipes === undefined);
  useEffect(() => {
    if (!needDetails.current) return;
    needDetails.current = false;
    Promise.all([
      api<DatasetInfo[]>(`/projects/${projectId}/datasets`),
      api<Recipe[]>(`/projects/${projectId}/recipes`),
    ])
      .then(([ds, rs]) => {
        setDatasets(ds);
        setRecipes(rs);
      })
      .catch((e) => toast(`Could not load the Flow's details: ${errorMessage(e)}`, "error"));
  }, [projectId, toast]);

  // Builds started before this page opened (another tab, a script) show their progress too.
  useEffect(() => {
    let live = true;
    api<Job[]>(`/projects/${projectId}/jobs`)
      .then((jobs) => {
        if (!live) return;
        for (const job of jobs) {
          if (job.state !== "QUEUED" && job.state !== "RUNNING") continue;
          const recipeId = job.activities[0]?.recipeId;
          if (recipeId) void follow(recipeId, job);
        }
      })
      .catch(() => {
        // Only a convenience: the Flow still shows outputs as building.
      });
    return () => {
      live = false;
    };
  }, [projectId, follow]);
  // Keyed by content: polling replaces `runs` every tick, but the canvas only cares when the
  // set of running recipes changes.
  const runningKey = Object.entries(runs)
    .filter(([, r]) => isActive(r))
    .map(([id]) => id)
    .sort()
    .join(",");
  const runningRecipes = useMemo(() => new Set(runningKey ? runningKey.split(",") : []), [runningKey]);

  const saveLayout = useCallback(
    async (positions: { nodeId: string; x: number; y: number }[]) => {
      if (!canEdit || positions.length === 0) return;
      try {
        await api(`/projects/${projectId}/flow/layout`, { method: "PUT", json: { positions } });
      } catch (e) {
        toast(`Could not save the layout: ${errorMessage(e)}`, "error");
      }
    },
    [canEdit, projectId, toast],
  );

  // The minimap draws every node: mount it once the canvas has painted, not during its first paint.
  const [showMiniMap, setShowMiniMap] = useState(false);
  useEffect(() => {
    if (typeof window.requestIdleCallback === "function") {
      const id = window.requestIdleCallback(() => setShowMiniMap(true), { timeout: 1500 });
      return () => window.cancelIdleCallback(id);
    }
    const t = window.setTimeout(() => setShowMiniMap(true), 300);
    return () => window.clearTimeout(t);
  }, []);

  // Layout undo: Arrange and drags push the positions they replace; Ctrl/⌘+Z (or the bar's Undo
  // after Arrange) puts them back and saves them.
  const history = useRef<{ action: "arrange" | "move"; positions: Map<string, Pt> }[]>([]);
  const [undoBar, setUndoBar] = useState(false);
  const pushHistory = useCallback((action: "arrange" | "move", positions: Map<string, Pt>) => {
    history.current.push({ action, positions });
    if (history.current.length > 20) history.current.shift();
  }, []);
  const undoLayout = useCallback(async () => {
    const last = history.current.pop();
    setUndoBar(false);
    if (!last) return;
    // Nodes deleted since are left out.
    const live = new Set(nodesRef.current.map((n) => n.id));
    for (const id of last.positions.keys()) if (!live.has(id)) last.positions.delete(id);
    setNodes((ns) =>
      ns.map((n) => {
        const p = last.positions.get(n.id);
        return p ? { ...n, position: p } : n;
      }),
    );
    toast(last.action === "arrange" ? "Restored the layout from before Arrange." : "Moved back.", "success");
    await saveLayout([...last.positions].map(([nodeId, p]) => ({ nodeId, x: p.x, y: p.y })));
  }, [saveLayout, setNodes, toast]);
  useEffect(() => {
    if (!undoBar) return;
    const t = window.setTimeout(() => setUndoBar(false), 12_000);
    return () => window.clearTimeout(t);
  }, [undoBar]);

  // Server graph -> canvas. Nodes placed automatically get their position saved, so the Flow
  // looks the same on the next visit and for colleagues.
  const savedIds = useRef(new Set<string>());
  const mounted = useRef(false);
  useEffect(() => {
    const { nodes: next } = toCanvasNodes(graph, nodesRef.current, selectedRef.current, runningRecipes);
    // On mount the canvas already holds these nodes (useNodesState's initial value): setting an
    // equal copy would re-render all of them (new data objects defeat the nodes' memo) right
    // during the first paint: a ~70-90 ms long task with 500 nodes (bench/canvas.ts).
    if (mounted.current || runningRecipes.size > 0) setNodes(next);
    mounted.current = true;
    for (const n of graph.nodes) if (n.position) savedIds.current.add(n.id);
    const unsaved = next.filter((n) => !savedIds.current.has(n.id));
    for (const n of unsaved) savedIds.current.add(n.id);
    void saveLayout(unsaved.map((n) => ({ nodeId: n.id, x: n.position.x, y: n.position.y })));
  }, [graph, runningRecipes, setNodes, saveLayout]);

  // New nodes may land outside the viewport: bring everything into view when the count changes.
  const count = graph.nodes.length;
  const firstCount = useRef(count);
  useEffect(() => {
    if (count === firstCount.current) return;
    firstCount.current = count;
    const t = window.setTimeout(() => void fitView({ ...FIT_VIEW_OPTIONS, duration: 300 }), 50);
    return () => window.clearTimeout(t);
  }, [count, fitView]);

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

  const select = useCallback(
    (id: string | null) => {
      setSelectedId(id);
      setNodes((ns) => ns.map((n) => (n.selected === (n.id === id) ? n : { ...n, selected: n.id === id })));
    },
    [setNodes],
  );

  const [selectionCount, setSelectionCount] = useState(0);
  const onSelectionChange = useCallback<OnSelectionChangeFunc<FlowNodeT>>(({ nodes: sel }) => {
    setSelectionCount(sel.length);
    const id = sel.length === 1 ? (sel[0]?.id ?? null) : null;
    if (id !== selectedRef.current) {
      selectedRef.current = id;
      setSelectedId(id);
    }
  }, []);

  const onNodeDragStart = useCallback(
    (_: unknown, _node: FlowNodeT, dragged: FlowNodeT[]) => {
      pushHistory("move", new Map(dragged.map((n) => [n.id, { x: n.position.x, y: n.position.y }])));
      setUndoBar(false);
    },
    [pushHistory],
  );

  // Right-click on a node: a small menu (open, rename, delete) where the pointer is.
  const canvasRef = useRef<HTMLDivElement>(null);
  const [menu, setMenu] = useState<{ id: string; x: number; y: number } | null>(null);
  // Rename / delete asked from the menu or the keyboard: the panel opens in that mode.
  const [intent, setIntent] = useState<{ id: string; mode: "rename" | "delete"; n: number } | null>(null);
  const closeMenu = useCallback(() => setMenu(null), []);
  const onNodeContextMenu = useCallback<NodeMouseHandler<FlowNodeT>>(
    (e, node) => {
      e.preventDefault();
      const r = canvasRef.current?.getBoundingClientRect();
      select(node.id);
      setMenu({ id: node.id, x: e.clientX - (r?.left ?? 0), y: e.clientY - (r?.top ?? 0) });
    },
    [select],
  );
  useEffect(() => {
    if (!menu) return;
    const close = (e: Event) => {
      if (e instanceof KeyboardEvent && e.key !== "Escape") return;
      if (e.target instanceof Element && e.target.closest(".flow-context-menu")) return;
      setMenu(null);
    };
    document.addEventListener("mousedown", close);
    document.addEventListener("keydown", close);
    return () => {
      document.removeEventListener("mousedown", close);
      document.removeEventListener("keydown", close);
    };
  }, [menu]);

  // Keyboard: Ctrl/⌘+Z undoes the last layout change; F2 renames and Delete deletes the selected
  // node (both ask first, in the side panel). Not while typing in a field.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
      if ((e.ctrlKey || e.metaKey) && !e.shiftKey && !e.altKey && e.key.toLowerCase() === "z") {
        if (history.current.length === 0) return;
        e.preventDefault();
        void undoLayout();
        return;
      }
      const id = selectedRef.current;
      if (!canEdit || !id || e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === "F2" || e.key === "Delete") {
        e.preventDefault();
        setIntent({ id, mode: e.key === "F2" ? "rename" : "delete", n: Date.now() });
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [canEdit, undoLayout]);

  const onNodeDragStop = useCallback(
    (_: unknown, _node: FlowNodeT, dragged: FlowNodeT[]) => {
      void saveLayout(
        dragged.map((n) => ({ nodeId: n.id, x: Math.round(n.position.x), y: Math.round(n.position.y) })),
      );
    },
    [saveLayout],
  );

  const onNodeDoubleClick = useCallback(
    (_: unknown, node: FlowNodeT) => {
      if (node.type === "dataset" && node.data.state === "built")
        router.push(`/projects/${projectId}/datasets/${node.id}`);
      if (node.type === "recipe") router.push(`/projects/${projectId}/recipes/${node.id}`);
      if (node.type === "savedModel") router.push(`/projects/${projectId}/lab`);
    },
    [router, projectId],
  );

  const takenNames = useMemo(() => new Set(graph.nodes.map((n) => n.name)), [graph.nodes]);

  // A file opens the import dialog (detected options, editable, previewed); it imports from there.
  const [importFile, setImportFile] = useState<File | null>(null);
  function upload(file: File) {
    setUploadError(null);
    setImportFile(file);
    if (fileInput.current) fileInput.current.value = "";
  }

  function onDragOver(e: DragEvent) {
    if (!canEdit || !e.dataTransfer.types.includes("Files")) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = "copy";
    if (!dragOver) setDragOver(true);
  }
  function onDrop(e: DragEvent) {
    if (!canEdit || !e.dataTransfer.types.includes("Files")) return;
    e.preventDefault();
    setDragOver(false);
    const file = e.dataTransfer.files[0];
    if (file) upload(file);
  }

  function focusNode(id: string) {
    select(id);
    void fitView({ nodes: [{ id }], duration: 300, maxZoom: 1.2, padding: 0.6 });
  }

  async function autoLayout() {
    pushHistory(
      "arrange",
      new Map(nodesRef.current.map((n) => [n.id, { x: n.position.x, y: n.position.y }])),
    );
    setUndoBar(true);
    const pos = placeNodes(graph.nodes, graph.edges, new Map());
    setNodes((ns) => ns.map((n) => ({ ...n, position: pos.get(n.id) ?? n.position })));
    window.setTimeout(() => void fitView({ ...FIT_VIEW_OPTIONS, duration: 300 }), 50);
    await saveLayout([...pos].map(([nodeId, p]) => ({ nodeId, x: p.x, y: p.y })));
  }

  // ----- the side panel for the selection -----
  const byId = useMemo(() => new Map(graph.nodes.map((n) => [n.id, n])), [graph.nodes]);
  const selected = selectedId ? byId.get(selectedId) : undefined;
  const datasetsOf = (ids: string[]) =>
    ids.map((id) => byId.get(id)).filter((n): n is DatasetNode => n?.type === "dataset");
  const inputsOf = (recipeId: string) =>
    datasetsOf(graph.edges.filter((e) => e.target === recipeId).map((e) => e.source));
  const outputsOf = (recipeId: string) =>
    datasetsOf(graph.edges.filter((e) => e.source === recipeId).map((e) => e.target));

  /** Recipes reachable from a recipe's outputs: what a delete leaves without fresh inputs. */
  const downstreamOf = (recipeId: string): RecipeNode[] => {
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
  };

  function runSection(recipe: RecipeNode) {
    const outputs = outputsOf(recipe.id);
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

  let panel: ReactNode;
  if (selected?.type === "dataset") {
    const info = datasets.find((d) => d.id === selected.id);
    const producerId = graph.edges.find((e) => e.target === selected.id)?.source;
    const producer = producerId ? byId.get(producerId) : undefined;
    const producerRecipe = producer?.type === "recipe" ? producer : undefined;
    panel = (
      <DatasetPanel
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
  } else if (selected?.type === "recipe") {
    panel = (
      <RecipePanel
        key={`${selected.id}:${intent?.id === selected.id ? intent.n : 0}`}
        initialMode={intent?.id === selected.id ? intent.mode : null}
        projectId={projectId}
        node={selected}
        recipe={recipes.find((r) => r.id === selected.id)}
        inputs={inputsOf(selected.id)}
        outputs={outputsOf(selected.id)}
        downstream={downstreamOf(selected.id)}
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
  } else if (selected?.type === "savedModel") {
    panel = (
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
  } else {
    panel = (
      <OverviewPanel
        datasets={graph.nodes.filter((n) => n.type === "dataset").length}
        recipes={graph.nodes.filter((n) => n.type === "recipe").length}
        canEdit={canEdit}
        onUpload={() => fileInput.current?.click()}
        onAutoLayout={() => void autoLayout()}
      />
    );
  }

  return (
    <div className="flow-page">
      <div className="flow-toolbar">
        <h1 data-testid="project-title">{projectName}</h1>
        <span className="project-tag">{projectKey}</span>
        {uploadError ? (
          <div className="form-error toolbar-error" role="alert" data-testid="upload-error">
            <span>{uploadError}</span>
            <button
              type="button"
              className="icon-btn"
              aria-label="Dismiss"
              onClick={() => setUploadError(null)}
            >
              <CloseIcon size={14} />
            </button>
          </div>
        ) : null}
        <FlowSearch nodes={graph.nodes} onPick={(id) => focusNode(id)} />
        <Button
          variant="ghost"
          icon={<LayoutIcon />}
          onClick={() => void autoLayout()}
          disabled={count === 0}
          title="Lay the whole Flow out left to right (Ctrl+Z puts it back)"
          data-testid="auto-layout"
        >
          Arrange
        </Button>
        <ButtonLink
          href={`/projects/${projectId}/lab`}
          variant="ghost"
          icon={<LabIcon />}
          title="Train models on a dataset without code, compare them and deploy the best"
          data-testid="project-lab-link"
        >
          Lab
        </ButtonLink>
        <ButtonLink
          href={`/projects/${projectId}/jobs`}
          variant="ghost"
          icon={<JobsIcon />}
          title="Every build of this project: progress, logs, engines and timings"
          data-testid="project-jobs-link"
        >
          Jobs
        </ButtonLink>
        <ButtonLink
          href={`/projects/${projectId}/notebooks`}
          variant="ghost"
          icon={<NotebookIcon />}
          title="SQL notebooks over the project's datasets, run on the local engine"
          data-testid="project-notebooks-link"
        >
          Notebooks
        </ButtonLink>
        <ButtonLink
          href={`/projects/${projectId}/members`}
          variant="ghost"
          icon={<UsersIcon />}
          title="Who can open this project, and their roles"
          data-testid="project-members-link"
        >
          Members
        </ButtonLink>
        <ButtonLink
          href={`/projects/${projectId}/api-services`}
          variant="ghost"
          icon={<ExternalIcon />}
          title="Saved models served as a REST API by the API node: keys, versions, traffic split, counters"
          data-testid="project-api-services-link"
        >
          API services
        </ButtonLink>
        {canEdit ? (
          <>
            {/* Rendered once hydrated: a file chosen before React listens would be ignored. */}
            {hydrated ? (
              <input
                ref={fileInput}
                type="file"
                accept=".csv,.tsv,.txt,.parquet,.json,.ndjson,.jsonl,.xlsx,text/csv"
                className="sr-only"
                id="upload-input"
                data-testid="upload-input"
                aria-label="Import a file (CSV, TSV, Parquet, JSON, Excel) as a new dataset"
                onChange={(e) => {
                  const f = e.target.files?.[0];
                  if (f) upload(f);
                }}
                tabIndex={-1}
              />
            ) : null}
            <Button
              variant="primary"
              icon={<UploadIcon />}
              onClick={() => fileInput.current?.click()}
              data-testid="upload-button"
            >
              Upload dataset
            </Button>
            <ConnectionImportButton
              projectId={projectId}
              takenNames={takenNames}
              onImported={(ds) => {
                void refresh().then(() => select(ds.id));
                toast(
                  `Imported ${ds.name}${ds.currentVersion?.rowCount != null ? `: ${formatRows(ds.currentVersion.rowCount)}` : ""}.`,
                  "success",
                );
              }}
            />
          </>
        ) : null}
      </div>
      <div className="flow-body">
        {/* biome-ignore lint/a11y/noStaticElementInteractions: file drop target; the Upload button is the accessible path */}
        <div
          ref={canvasRef}
          className="flow-canvas"
          onDragOver={onDragOver}
          onDragLeave={(e) => {
            if (!e.currentTarget.contains(e.relatedTarget as globalThis.Node | null)) setDragOver(false);
          }}
          onDrop={onDrop}
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
                setMenu(null);
                router.push(
                  n.type === "savedModel"
                    ? `/projects/${projectId}/lab`
                    : `/projects/${projectId}/${n.type === "dataset" ? "datasets" : "recipes"}/${n.id}`,
                );
              }}
              onIntent={(id, mode) => {
                setMenu(null);
                setIntent({ id, mode, n: Date.now() });
              }}
            />
          ) : null}
          {undoBar ? (
            <div className="flow-undo-bar" role="status" data-testid="arrange-undo-bar">
              <span>Arranged the Flow.</span>
              <button
                type="button"
                className="flow-undo-btn"
                onClick={() => void undoLayout()}
                data-testid="arrange-undo"
              >
                Undo
              </button>
              <kbd>Ctrl+Z</kbd>
              <button
                type="button"
                className="icon-btn"
                aria-label="Dismiss"
                onClick={() => setUndoBar(false)}
              >
                <CloseIcon size={14} />
              </button>
            </div>
          ) : null}
          {selectionCount > 1 ? (
            <div className="flow-selection-bar" data-testid="selection-bar" role="status">
              {plural(selectionCount, "node")} selected: drag one to move them together
            </div>
          ) : null}
          {count > 0 ? (
            <div className="flow-legend" aria-hidden="true">
              <span>
                <i className="legend-dataset" /> Dataset
              </span>
              <span>
                <i className="legend-recipe" /> Recipe
              </span>
              {graph.nodes.some((n) => n.type === "savedModel") ? (
                <span>
                  <i className="legend-saved-model" /> Saved model
                </span>
              ) : null}
            </div>
          ) : null}
          {count === 0 ? (
            <div className="flow-empty">
              <EmptyState
                icon={<UploadIcon size={24} />}
                title="This Flow is empty"
                testId="flow-empty"
                action={
                  canEdit ? (
                    <Button
                      variant="primary"
                      icon={<UploadIcon />}
                      onClick={() => fileInput.current?.click()}
                    >
                      Upload a CSV file
                    </Button>
                  ) : null
                }
              >
                {canEdit
                  ? "Upload a file (CSV, TSV, Parquet, JSON, Excel), or drop one here, to create your first dataset."
                  : "Nobody has added data to this project yet."}
              </EmptyState>
            </div>
          ) : null}
          {dragOver ? (
            <div className="drop-overlay">
              <div>
                <UploadIcon size={32} />
                Drop the file (CSV, TSV, Parquet, JSON, Excel) to import it as a dataset
              </div>
            </div>
          ) : null}
        </div>
        {panel}
      </div>
      {importFile ? (
        <ImportDialog
          projectId={projectId}
          file={importFile}
          defaultName={datasetNameFor(importFile.name, takenNames)}
          takenNames={takenNames}
          onClose={() => setImportFile(null)}
          onImported={(ds) => {
            setImportFile(null);
            void refresh().then(() => select(ds.id));
            const rows = ds.currentVersion?.rowCount;
            toast(`Imported ${ds.name}${rows != null ? `: ${formatRows(rows)}` : ""}.`, "success");
          }}
        />
      ) : null}
    </div>
  );
}

/** The right-click menu of a node. */
function NodeMenu({
  x,
  y,
  node,
  canEdit,
  onOpen,
  onIntent,
}: {
  x: number;
  y: number;
  node: FlowNode | undefined;
  canEdit: boolean;
  onOpen: (n: FlowNode) => void;
  onIntent: (id: string, mode: "rename" | "delete") => void;
}) {
  const list = useRef<HTMLDivElement>(null);
  useEffect(() => {
    list.current?.querySelector<HTMLButtonElement>("button")?.focus();
  }, []);
  if (!node) return null;
  const kind = node.type === "dataset" ? "dataset" : node.type === "recipe" ? "recipe" : "saved model";
  const items: { key: string; label: string; danger?: boolean; run: () => void }[] = [
    { key: "open", label: node.type === "recipe" && canEdit ? "Edit" : "Open", run: () => onOpen(node) },
    // Saved models are renamed and deleted in the Lab.
    ...(canEdit && node.type !== "savedModel"
      ? [
          { key: "rename", label: "Rename…", run: () => onIntent(node.id, "rename") },
          { key: "delete", label: "Delete…", danger: true, run: () => onIntent(node.id, "delete") },
        ]
      : []),
  ];
  return (
    <div
      ref={list}
      className="menu flow-context-menu"
      role="menu"
      aria-label={`${kind} ${node.name}`}
      style={{ left: x, top: y }}
      data-testid="node-menu"
      onKeyDown={(e) => {
        if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
        e.preventDefault();
        const buttons = Array.from(list.current?.querySelectorAll("button") ?? []);
        const i = buttons.indexOf(document.activeElement as HTMLButtonElement);
        buttons[(i + (e.key === "ArrowDown" ? 1 : -1) + buttons.length) % buttons.length]?.focus();
      }}
    >
      <div className="menu-header">{node.name}</div>
      {items.map((it) => (
        <button
          key={it.key}
          type="button"
          role="menuitem"
          className={it.danger ? "menu-item menu-item-danger" : "menu-item"}
          data-testid={`node-menu-${it.key}`}
          onClick={it.run}
        >
          <span className="menu-label">{it.label}</span>
        </button>
      ))}
    </div>
  );
}
