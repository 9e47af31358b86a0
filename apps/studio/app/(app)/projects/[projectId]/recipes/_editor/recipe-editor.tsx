"use client";

import "@/ui/recipes.css";
import "./editor.css";
import type { BuildMode, DatasetInfo, Job, Recipe, RecipeKind, SplitParams } from "@sous/contracts";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { type ReactNode, useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { RecipePreview } from "@/shared/api/recipe-preview-schemas.ts";
import { ApiError, api, errorMessage } from "@/ui/api.ts";
import { Button } from "@/ui/button.tsx";
import type { Col } from "@/ui/columns.tsx";
import { type Engine, EngineBadge, worstVerdict } from "@/ui/engine-badge.tsx";
import { Input, Select } from "@/ui/field.tsx";
import { ArrowLeftIcon, CheckIcon, CloseIcon, PlayIcon, PlusIcon, TableIcon } from "@/ui/icons.tsx";
import { LeaveGuard } from "@/ui/leave-guard.tsx";
import { RecipeIcon } from "@/ui/recipe-icons.tsx";
import {
  isRecipeKind,
  recipeKindInfo,
  recipeKindLabel,
  toObjectName,
  uniqueName,
} from "@/ui/recipe-kinds.ts";
import { type NamedStep, nameSteps } from "@/ui/step-names.ts";
import { useToast } from "@/ui/toast.tsx";
import { useUndoable } from "@/ui/use-undoable.ts";
import { isActive, type RunState, useRuns } from "../../_flow/use-runs.ts";
import { RunModeSelect } from "../../jobs/build-mode-select.tsx";
import { ACTIVE_JOB_POLL_MS, findOutputJob } from "./active-job.ts";
import { defaultParams, defaultSqlParams, suggestJoinKeys } from "./defaults.ts";
import { EngineSelect } from "./engine-select.tsx";
import { FilterForm } from "./form-filter.tsx";
import { JoinForm } from "./form-join.tsx";
import { PrepareForm } from "./form-prepare.tsx";
import { ScoreForm } from "./form-score.tsx";
import { defaultSplitNames, SplitForm, splitOutputCount } from "./form-split.tsx";
import { SqlForm } from "./form-sql.tsx";
import { GroupForm, PivotForm, WindowForm } from "./forms-aggregate.tsx";
import { DistinctForm, SortForm, StackForm, SyncForm, TopNForm } from "./forms-basic.tsx";
import { infoOf } from "./prepare-defaults.ts";
import { prepareSpecAsOf, usePrepareHighlight } from "./prepare-view.tsx";
import { PreviewPane } from "./preview-pane.tsx";
import { RunPanel } from "./run-panel.tsx";
import type { FormProps } from "./types.ts";
import { usePreview } from "./use-preview.ts";

export interface RecipeEditorProps {
  projectId: string;
  projectName: string;
  canEdit: boolean;
  datasets: DatasetInfo[];
  /** Names of every dataset and recipe of the project (a new output must not reuse one). */
  takenNames: string[];
  /** The recipe being edited; null for a new one. */
  recipe: Recipe | null;
  /** New recipes: the kind and the inputs picked on the Flow. */
  kind: string;
  initialInputs: string[];
}

interface Draft {
  inputs: string[];
  params: Record<string, unknown>;
  output: string;
  /** A split: its outputs' dataset names, in order (the other rows' last). */
  outputs: string[];
  /** A split: per output, the dataset the saved recipe already writes, or null for a new one. */
  outputIds: (string | null)[];
}

// biome-ignore lint/suspicious/noExplicitAny: each form narrows the params to its own kind
type AnyForm = (p: FormProps<any>) => ReactNode;
// Keyed by RecipeKind like the registry (ui/recipe-kinds.ts): a kind without its form fails the typecheck.
const FORMS: Record<RecipeKind, AnyForm> = {
  prepare: PrepareForm,
  sync: SyncForm,
  filter: FilterForm,
  group: GroupForm,
  distinct: DistinctForm,
  join: JoinForm,
  window: WindowForm,
  pivot: PivotForm,
  sort: SortForm,
  topN: TopNForm,
  stack: StackForm,
  split: SplitForm,
  sql: SqlForm,
  score: ScoreForm,
};

const stable = (x: unknown) => JSON.stringify(x);
/** What saving sends: the params, and a split's outputs. */
const savedForm = (kind: string, d: Draft) =>
  stable(kind === "split" ? [d.params, d.outputs, d.outputIds] : d.params);

export function RecipeEditor(props: RecipeEditorProps) {
  const { projectId, canEdit, datasets, recipe: initialRecipe } = props;
  const router = useRouter();
  const toast = useToast();
  const [recipe, setRecipe] = useState(initialRecipe);
  const kind = recipe?.spec.kind ?? props.kind;
  const info = recipeKindInfo(kind);
  const byId = useMemo(() => new Map(datasets.map((d) => [d.id, d])), [datasets]);
  const colsOf = useCallback((id: string): Col[] => byId.get(id)?.schema ?? [], [byId]);
  // Datasets this editor created since the page loaded (new split outputs) are taken too.
  const [createdNames, setCreatedNames] = useState<string[]>([]);
  const taken = useMemo(
    () => new Set([...props.takenNames, ...createdNames]),
    [props.takenNames, createdNames],
  );

  const initialDraft = useMemo<Draft>(() => {
    if (initialRecipe) {
      return {
        inputs: initialRecipe.inputs,
        params: initialRecipe.spec.params as Record<string, unknown>,
        output: "",
        outputs:
          initialRecipe.spec.kind === "split"
            ? initialRecipe.outputs.map((id) => byId.get(id)?.name ?? id)
            : [],
        outputIds: initialRecipe.spec.kind === "split" ? initialRecipe.outputs : [],
      };
    }
    const inputs = [...props.initialInputs];
    const min = recipeKindInfo(props.kind)?.inputs[0] ?? 1;
    while (inputs.length < min) inputs.push("");
    const first = byId.get(inputs[0] ?? "");
    const params =
      props.kind === "sql"
        ? defaultSqlParams(inputs.map((id) => byId.get(id)?.name ?? ""))
        : defaultParams(props.kind, inputs.map(colsOf));
    const outputs =
      props.kind === "split" ? defaultSplitNames(first?.name ?? "output", params as SplitParams, taken) : [];
    return {
      inputs,
      params,
      outputs,
      outputIds: outputs.map(() => null),
      output: uniqueName(
        toObjectName(`${first?.name ?? "output"}_${recipeKindInfo(props.kind)?.outputSuffix ?? "out"}`),
        taken,
      ),
    };
  }, [initialRecipe, props.initialInputs, props.kind, byId, colsOf, taken]);

  const history = useUndoable<Draft>(initialDraft);
  const draft = history.value;
  const [saved, setSaved] = useState(() => savedForm(kind, initialDraft));
  const dirty = recipe ? savedForm(kind, draft) !== saved : true;
  const readOnly = !canEdit;

  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<string | null>(null);
  const [conflict, setConflict] = useState<string | null>(null);

  // ----- inputs -----
  const missingInput = draft.inputs.findIndex((id) => !id);
  // An unbuilt input is designed on the schema its recipe infers (the server says so when it
  // cannot infer it); the preview then shows the columns and says why there are no rows.
  const waiting =
    missingInput >= 0
      ? kind === "join"
        ? "Pick the dataset to join with."
        : "Pick every input dataset."
      : null;
  const spec = useMemo(() => ({ kind, version: 1, params: draft.params }), [kind, draft.params]);
  // Prepare: the preview asks sooner after an edit, and a clicked step shows the data as of it.
  const isPrepare = kind === "prepare";
  const [asOf, setAsOf] = useState<string | null>(null);
  // A split previews one output at a time (the form picks which).
  const isSplit = kind === "split";
  const outputCount = isSplit ? splitOutputCount(draft.params as SplitParams) : 1;
  const [previewOut, setPreviewOut] = useState(0);
  const shownOut = Math.min(previewOut, outputCount - 1);
  const preview = usePreview(
    projectId,
    waiting
      ? null
      : {
          inputs: draft.inputs,
          spec,
          ...(shownOut > 0 ? { output: shownOut } : {}),
          // A saved recipe's engine decides where the SparkSQL shown reads its inputs.
          ...(recipe ? { recipeId: recipe.id } : {}),
        },
    200,
    isPrepare ? 60 : undefined,
  );
  const asOfSpec = useMemo(
    () => (isPrepare ? prepareSpecAsOf(draft.params, asOf) : null),
    [isPrepare, draft.params, asOf],
  );
  const asOfPreview = usePreview(
    projectId,
    waiting || !asOfSpec ? null : { inputs: draft.inputs, spec: asOfSpec },
    200,
    60,
  );
  const prepareView = usePrepareHighlight(draft.params, isPrepare ? asOf : null, preview.data, setAsOf);

  function setInput(i: number, id: string) {
    history.set((d) => {
      const inputs = d.inputs.map((x, j) => (j === i ? id : x));
      let params = d.params;
      // Join conditions follow the datasets: suggest pairs for a new right side.
      if (kind === "join" && i <= 1 && inputs[0] && inputs[1]) {
        params = { ...params, on: suggestJoinKeys(colsOf(inputs[0]), colsOf(inputs[1])) };
      }
      let outputs = d.outputs;
      if (kind === "sql") params = defaultSqlParams(inputs.map((x) => byId.get(x)?.name ?? ""));
      else if (i === 0 && kind !== "join" && kind !== "stack")
        params = defaultParams(kind, inputs.map(colsOf));
      if (kind === "split" && i === 0)
        outputs = defaultSplitNames(byId.get(id)?.name ?? "output", params as SplitParams, taken);
      return { ...d, inputs, params, outputs, outputIds: outputs.map(() => null) };
    });
  }

  // ----- engines -----
  const steps = preview.data?.steps ?? [];
  const stepMap = useMemo(() => new Map(steps.map((s) => [s.id, s])), [steps]);
  const step = useCallback(
    (id: string) => {
      const s = stepMap.get(id);
      if (!s) return null;
      return (
        <span className="step-engines" data-testid={`step-engines-${id}`}>
          <EngineBadge engine="duckdb" verdict={s.engines.duckdb} compact testId={`step-${id}-duckdb`} />
          <EngineBadge engine="spark" verdict={s.engines.spark} compact testId={`step-${id}-spark`} />
        </span>
      );
    },
    [stepMap],
  );
  const prepareSteps = isPrepare ? (draft.params as { steps?: NamedStep[] }).steps : undefined;
  const stepNamer = useCallback(
    (text: string) => nameSteps(text, prepareSteps ?? [], (t) => infoOf(t)?.label),
    [prepareSteps],
  );
  const recipeVerdict = (e: Engine) => {
    const b = preview.data?.engines[e].blocking;
    // A prepare step's reason already names it ("Step 'Parse user agent' (#4) has no SparkSQL form...").
    if (b) return { level: "none" as const, reason: isPrepare ? b.reason : `${b.stepId}: ${b.reason}` };
    return worstVerdict(steps.map((s) => s.engines[e]));
  };

  const distinctValues = useCallback(
    async (column: string) => {
      const r = await api<RecipePreview>(`/projects/${projectId}/recipes/preview`, {
        method: "POST",
        json: {
          inputs: [draft.inputs[0]],
          spec: { kind: "distinct", version: 1, params: { columns: [column] } },
          limit: 1000,
        },
      });
      const vals = r.rows.map((row) => row[0] ?? null);
      return vals.sort((a, b) => (a === null ? 1 : b === null ? -1 : a < b ? -1 : a > b ? 1 : 0));
    },
    [projectId, draft.inputs],
  );

  // ----- save -----
  async function save(overwriteRevision?: number, opts?: { thenRun?: boolean }): Promise<Recipe | null> {
    if (readOnly) return null;
    setSaveError(null);
    if (kind === "pivot" && !(draft.params as { values?: unknown[] }).values?.length) {
      setSaveError(
        "List the pivot values (Load values from the sample) so every run writes the same columns.",
      );
      return null;
    }
    setSaving(true);
    try {
      if (!recipe) {
        const names = isSplit ? draft.outputs.map((n) => n.trim()) : [draft.output.trim()];
        if (names.some((n) => !n))
          throw new ApiError(
            isSplit ? "Name every output dataset." : "Name the output dataset.",
            "invalid_input",
            400,
          );
        const used = names.find((n) => taken.has(n));
        if (used) throw new ApiError(`A dataset or recipe named ${used} already exists.`, "conflict", 409);
        const twice = names.find((n, i) => names.indexOf(n) !== i);
        if (twice) throw new ApiError(`Two outputs are named ${twice}: rename one.`, "invalid_input", 400);
        const out = names[0]!;
        const created = await api<Recipe>(`/projects/${projectId}/recipes`, {
          method: "POST",
          json: {
            name: uniqueName(toObjectName(`compute_${out}`), taken),
            inputs: draft.inputs,
            ...(isSplit ? { outputs: names.map((name) => ({ name })) } : { output: { name: out } }),
            spec,
          },
        });
        toast(`Created ${created.name}. Run it to build ${names.join(", ")}.`, "success");
        setRecipe(created);
        setSaved(savedForm(kind, draft));
        router.replace(`/projects/${projectId}/recipes/${created.id}`);
        return created;
      }
      // A split whose outputs changed sends them: existing datasets by id, new ones by name.
      const outputsChanged = isSplit && stable(draft.outputIds) !== stable(recipe.outputs);
      const newNames = outputsChanged
        ? draft.outputs.filter((_, i) => draft.outputIds[i] === null).map((n) => n.trim())
        : [];
      if (newNames.some((n) => !n))
        throw new ApiError("Name every new output dataset.", "invalid_input", 400);
      const used = newNames.find((n) => taken.has(n));
      if (used) throw new ApiError(`A dataset or recipe named ${used} already exists.`, "invalid_input", 400);
      const twice = newNames.find((n, i) => newNames.indexOf(n) !== i);
      if (twice) throw new ApiError(`Two outputs are named ${twice}: rename one.`, "invalid_input", 400);
      const updated = await api<Recipe>(`/projects/${projectId}/recipes/${recipe.id}`, {
        method: "PUT",
        json: {
          revision: overwriteRevision ?? recipe.revision,
          spec,
          ...(outputsChanged
            ? {
                outputs: draft.outputIds.map((datasetId, i) =>
                  datasetId ? { datasetId } : { name: draft.outputs[i]!.trim() },
                ),
              }
            : {}),
        },
      });
      setRecipe(updated);
      if (outputsChanged) {
        // The new outputs are datasets now: later saves send them by id.
        const fresh = await loadOutputs(updated.outputs);
        setOutputs(fresh);
        setCreatedNames((c) => [...c, ...newNames]);
        const byOutId = new Map(fresh.map((d) => [d.id, d.name]));
        const next = {
          ...draft,
          outputs: updated.outputs.map((id, i) => byOutId.get(id) ?? draft.outputs[i] ?? id),
          outputIds: updated.outputs,
        };
        history.reset(next);
        setSaved(savedForm(kind, next));
        // Save and run builds them right away: no need to say so.
        if (!opts?.thenRun)
          toast(`Saved. Run ${updated.name} to build ${newNames.join(", ") || "its outputs"}.`, "success");
      } else {
        setSaved(savedForm(kind, draft));
      }
      setConflict(null);
      return updated;
    } catch (e) {
      // Only a stale revision offers "load theirs / overwrite"; a taken name or a running job is just an error.
      if (
        e instanceof ApiError &&
        e.code === "conflict" &&
        recipe &&
        /changed by someone else/.test(e.message)
      )
        setConflict(e.message);
      else setSaveError(errorMessage(e));
      return null;
    } finally {
      setSaving(false);
    }
  }

  async function reloadTheirs() {
    if (!recipe) return;
    try {
      const theirs = await api<Recipe>(`/projects/${projectId}/recipes/${recipe.id}`);
      const next = { ...draft, params: theirs.spec.params as Record<string, unknown> };
      if (isSplit) {
        const fresh = await loadOutputs(theirs.outputs);
        setOutputs(fresh);
        const byOutId = new Map(fresh.map((d) => [d.id, d.name]));
        next.outputs = theirs.outputs.map((id) => byOutId.get(id) ?? id);
        next.outputIds = theirs.outputs;
      }
      setRecipe(theirs);
      setSaved(savedForm(kind, next));
      history.reset(next);
      setConflict(null);
      toast(`Loaded revision ${theirs.revision}. Your changes were dropped.`, "info");
    } catch (e) {
      setSaveError(errorMessage(e));
    }
  }

  async function overwrite() {
    if (!recipe) return;
    try {
      const theirs = await api<Recipe>(`/projects/${projectId}/recipes/${recipe.id}`);
      const r = await save(theirs.revision);
      if (r) toast(`Saved over revision ${theirs.revision}.`, "success");
    } catch (e) {
      setSaveError(errorMessage(e));
    }
  }

  // ----- convert to code (one-way) -----
  async function convertToSql(): Promise<string | null> {
    if (!recipe) return "Create the recipe first.";
    try {
      const updated = await api<Recipe>(`/projects/${projectId}/recipes/${recipe.id}/convert-to-sql`, {
        method: "POST",
        json: { revision: recipe.revision },
      });
      const params = updated.spec.params as Record<string, unknown>;
      setRecipe(updated);
      setSaved(savedForm(updated.spec.kind, { ...draft, params }));
      setAsOf(null);
      history.reset({ ...draft, params });
      toast(`${updated.name} is now a SQL recipe.`, "success");
      return null;
    } catch (e) {
      return errorMessage(e);
    }
  }

  // ----- run -----
  const [outputs, setOutputs] = useState<DatasetInfo[]>(() =>
    (initialRecipe?.outputs ?? []).map((id) => byId.get(id)).filter((d): d is DatasetInfo => Boolean(d)),
  );
  const loadOutputs = useCallback(
    async (ids: string[]) =>
      (
        await Promise.all(
          ids.map((id) => api<DatasetInfo>(`/projects/${projectId}/datasets/${id}`).catch(() => null)),
        )
      ).filter((d): d is DatasetInfo => d !== null),
    [projectId],
  );
  const refreshOutputs = useCallback(async () => {
    if (!recipe) return;
    setOutputs(await loadOutputs(recipe.outputs));
  }, [recipe, loadOutputs]);
  const { runs, follow } = useRuns(projectId, refreshOutputs);
  const [mode, setMode] = useState<BuildMode>("build-only-this");
  // Before the job exists (starting, or the request failed); then the followed job's state.
  const [startState, setStartState] = useState<RunState | null>(null);
  const [panelOpen, setPanelOpen] = useState(false);
  // Jobs already shown (or started here), so a closed panel stays closed; a little before the
  // page opened, so a build started from the Flow just before counts.
  const seenJobs = useRef(new Set<string>());
  const [openedAt] = useState(() => new Date(Date.now() - 5000).toISOString());
  const runState = startState ?? (recipe ? runs[recipe.id] : undefined);
  const names = useMemo(() => {
    const m = new Map(datasets.map((d) => [d.id, d.name]));
    for (const d of outputs) m.set(d.id, d.name);
    return m;
  }, [datasets, outputs]);

  async function runRecipe() {
    const r = dirty ? await save(undefined, { thenRun: true }) : recipe;
    if (!r || !recipe) return;
    setPanelOpen(true);
    setStartState({ phase: "starting" });
    let job: Job;
    try {
      job = await api<Job>(`/projects/${projectId}/jobs`, {
        method: "POST",
        json: { targets: r.outputs, mode },
      });
    } catch (e) {
      setStartState({ phase: "error", message: errorMessage(e) });
      return;
    }
    seenJobs.current.add(job.id);
    setStartState(null);
    void refreshOutputs();
    await follow(r.id, job);
  }

  // A job writing the outputs that this page did not start (from the Flow, another tab, or
  // before a reload) is shown too, and followed to its end.
  const recipeId = recipe?.id;
  const outputKey = recipe?.outputs.join(",") ?? "";
  const following = isActive(runState);
  useEffect(() => {
    if (!recipeId || !outputKey || following) return;
    let live = true;
    const look = async () => {
      const job = await findOutputJob(projectId, outputKey.split(","), openedAt, seenJobs.current);
      if (!live || !job || seenJobs.current.has(job.id)) return;
      seenJobs.current.add(job.id);
      setPanelOpen(true);
      void follow(recipeId, job);
    };
    void look();
    const t = window.setInterval(() => void look(), ACTIVE_JOB_POLL_MS);
    return () => {
      live = false;
      window.clearInterval(t);
    };
  }, [projectId, recipeId, outputKey, following, follow, openedAt]);

  // ----- keyboard and leaving -----
  const { undo, redo } = history;
  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      if (!(e.ctrlKey || e.metaKey)) return;
      const k = e.key.toLowerCase();
      const t = e.target as HTMLElement | null;
      // Text fields (and the formula editor, contenteditable) have their own undo.
      const typing =
        (t?.tagName === "INPUT" && (t as HTMLInputElement).type !== "checkbox") ||
        t?.tagName === "TEXTAREA" ||
        t?.isContentEditable === true;
      if (k === "s") {
        e.preventDefault();
        document.querySelector<HTMLButtonElement>("[data-testid=save-recipe]")?.click();
      } else if (!typing && k === "z" && !e.shiftKey) {
        e.preventDefault();
        undo();
      } else if (!typing && (k === "y" || (k === "z" && e.shiftKey))) {
        e.preventDefault();
        redo();
      }
    }
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [undo, redo]);
  // A new recipe nobody touched yet loses nothing: only edits ask before leaving.
  const unsaved = dirty && !readOnly && (recipe !== null || draft !== initialDraft);

  const Form = isRecipeKind(kind) ? FORMS[kind] : undefined;
  const formInputs = draft.inputs.map((id, i) => ({
    id: id || `missing-${i}`,
    name: byId.get(id)?.name ?? "?",
    columns: colsOf(id),
  }));
  const flowHref = `/projects/${projectId}`;
  const title = recipe ? recipe.name : `New ${recipeKindLabel(kind)} recipe`;

  return (
    <div className="recipe-page" data-testid="recipe-editor" data-kind={kind}>
      <LeaveGuard when={unsaved} />
      <header className="recipe-head">
        <Link
          href={flowHref}
          className="icon-btn back-link"
          aria-label="Back to the Flow"
          data-testid="back-to-flow"
        >
          <ArrowLeftIcon />
        </Link>
        <span className="recipe-glyph recipe-glyph-lg" aria-hidden="true">
          <RecipeIcon kind={kind} size={20} />
        </span>
        <div className="recipe-title">
          <div className="kicker">{recipe ? `${recipeKindLabel(kind)} recipe` : props.projectName}</div>
          <h1 data-testid="recipe-name" title={title}>
            {title}
          </h1>
        </div>
        <EngineSelect
          projectId={projectId}
          recipeId={recipe?.id ?? null}
          preview={preview.data}
          params={draft.params}
          readOnly={readOnly}
        />
        <div className="engine-badges" data-testid="recipe-engines">
          {preview.data ? (
            <>
              <EngineBadge engine="duckdb" verdict={recipeVerdict("duckdb")} testId="engine-badge-duckdb" />
              <EngineBadge engine="spark" verdict={recipeVerdict("spark")} testId="engine-badge-spark" />
            </>
          ) : null}
        </div>
        <div className="head-actions">
          {readOnly ? (
            <span className="muted small">Read-only: you are a viewer of this project.</span>
          ) : (
            <>
              <button
                type="button"
                className="icon-btn"
                aria-label="Undo (Ctrl+Z)"
                title="Undo (Ctrl+Z)"
                data-testid="undo"
                disabled={!history.canUndo}
                onClick={history.undo}
              >
                ↶
              </button>
              <button
                type="button"
                className="icon-btn"
                aria-label="Redo (Ctrl+Shift+Z)"
                title="Redo (Ctrl+Shift+Z)"
                data-testid="redo"
                disabled={!history.canRedo}
                onClick={history.redo}
              >
                ↷
              </button>
              {recipe ? (
                <span className="save-state" data-testid="save-state" data-dirty={dirty}>
                  {dirty ? "Unsaved changes" : `Saved · revision ${recipe.revision}`}
                </span>
              ) : null}
              <Button
                variant={recipe ? "secondary" : "primary"}
                icon={recipe ? <CheckIcon /> : <PlusIcon />}
                loading={saving}
                disabled={(recipe !== null && !dirty) || missingInput >= 0}
                onClick={() => void save()}
                data-testid="save-recipe"
              >
                {recipe ? "Save" : "Create recipe"}
              </Button>
              {recipe ? <RunModeSelect mode={mode} setMode={setMode} disabled={isActive(runState)} /> : null}
              {recipe ? (
                <Button
                  variant="primary"
                  icon={<PlayIcon />}
                  loading={isActive(runState)}
                  onClick={() => void runRecipe()}
                  data-testid="run-recipe"
                >
                  {dirty ? "Save and run" : "Run"}
                </Button>
              ) : null}
            </>
          )}
        </div>
      </header>
      {saveError ? (
        <div className="editor-banner form-error" role="alert" data-testid="save-error">
          <span>{saveError}</span>
          <button type="button" className="icon-btn" aria-label="Dismiss" onClick={() => setSaveError(null)}>
            <CloseIcon size={14} />
          </button>
        </div>
      ) : null}
      {conflict ? (
        <div className="editor-banner conflict-banner" role="alert" data-testid="conflict-banner">
          <span>
            <strong>Not saved: someone else changed this recipe.</strong> {conflict}
          </span>
          <Button size="sm" onClick={() => void reloadTheirs()} data-testid="conflict-reload">
            Load their version
          </Button>
          <Button
            size="sm"
            variant="danger"
            onClick={() => void overwrite()}
            data-testid="conflict-overwrite"
          >
            Overwrite with mine
          </Button>
        </div>
      ) : null}
      {recipe && runState && panelOpen ? (
        <RunPanel
          projectId={projectId}
          state={runState}
          outputs={outputs}
          names={names}
          onClose={() => setPanelOpen(false)}
        />
      ) : null}
      <div className="recipe-body">
        <div className="recipe-settings" data-testid="recipe-settings">
          <section className="editor-section io-section">
            <h3>Inputs</h3>
            {recipe ? (
              <div className="io-line" data-testid="recipe-inputs">
                {draft.inputs.map((id) => (
                  <span key={id} className="io-chip">
                    <TableIcon size={14} />
                    {byId.get(id)?.name ?? "?"}
                  </span>
                ))}
              </div>
            ) : (
              <InputPickers
                kind={kind}
                inputs={draft.inputs}
                datasets={datasets}
                onChange={setInput}
                onAdd={() => history.set((d) => ({ ...d, inputs: [...d.inputs, ""] }))}
                onRemove={(i) => history.set((d) => ({ ...d, inputs: d.inputs.filter((_, j) => j !== i) }))}
              />
            )}
            <h3>Output</h3>
            {recipe ? (
              <div className="io-line" data-testid="recipe-outputs">
                {outputs.map((d) => (
                  <Link key={d.id} href={`/projects/${projectId}/datasets/${d.id}`} className="io-chip">
                    <TableIcon size={14} />
                    {d.name}
                  </Link>
                ))}
              </div>
            ) : isSplit ? (
              <div className="field-hint">One dataset per output: name them under Outputs.</div>
            ) : (
              <>
                <Input
                  aria-label="Output dataset name"
                  data-testid="output-name"
                  value={draft.output}
                  maxLength={128}
                  aria-invalid={taken.has(draft.output.trim()) || undefined}
                  onChange={(e) => history.set((d) => ({ ...d, output: e.target.value }), "output")}
                />
                {taken.has(draft.output.trim()) ? (
                  <div className="field-error" role="alert">
                    A dataset or recipe named {draft.output.trim()} already exists.
                  </div>
                ) : (
                  <div className="field-hint">A new dataset, built when you run the recipe.</div>
                )}
              </>
            )}
          </section>
          {!Form ? (
            <p className="muted">There is no visual editor for {kind} recipes yet.</p>
          ) : missingInput >= 0 ? null : (
            <Form
              params={draft.params}
              set={(params: Record<string, unknown>, key?: string) =>
                history.set((d) => ({ ...d, params }), key)
              }
              inputs={formInputs}
              step={step}
              readOnly={readOnly}
              distinctValues={distinctValues}
              preview={preview.data}
              previewError={preview.error}
              asOf={asOf}
              setAsOf={setAsOf}
              {...(isSplit
                ? {
                    outputs: {
                      names: draft.outputs,
                      ids: draft.outputIds,
                      dropped: (recipe?.outputs ?? [])
                        .filter((id) => !draft.outputIds.includes(id))
                        .map((id) => outputs.find((d) => d.id === id)?.name ?? byId.get(id)?.name ?? id),
                      set: (
                        params: Record<string, unknown>,
                        names: string[],
                        ids: (string | null)[],
                        key?: string,
                      ) => history.set((d) => ({ ...d, params, outputs: names, outputIds: ids }), key),
                      taken,
                      previewed: shownOut,
                      preview: setPreviewOut,
                    },
                  }
                : {})}
            />
          )}
          {info ? null : <p className="muted small">Unknown recipe kind.</p>}
        </div>
        <PreviewPane
          key={kind}
          {...(isPrepare ? { nameSteps: stepNamer } : {})}
          state={asOfSpec ? asOfPreview : preview}
          waiting={waiting}
          {...(kind === "sql" || readOnly
            ? {}
            : {
                convert: {
                  blocked: !recipe
                    ? "Create the recipe first."
                    : dirty
                      ? "Save your changes first."
                      : isSplit
                        ? "A split writes several datasets: one SQL query cannot."
                        : null,
                  run: convertToSql,
                },
              })}
          {...(isPrepare ? { highlight: prepareView.highlight, note: prepareView.note } : {})}
          {...(isSplit
            ? {
                note: (
                  <span data-testid="split-preview-note">
                    Output {shownOut + 1} of {outputCount}: <strong>{draft.outputs[shownOut] ?? "?"}</strong>
                    {(draft.params as SplitParams).otherRows !== false && shownOut === outputCount - 1
                      ? " (the rows no other output took)"
                      : ""}
                  </span>
                ),
              }
            : {})}
        />
      </div>
    </div>
  );
}

function InputPickers({
  kind,
  inputs,
  datasets,
  onChange,
  onAdd,
  onRemove,
}: {
  kind: string;
  inputs: string[];
  datasets: DatasetInfo[];
  onChange: (i: number, id: string) => void;
  onAdd: () => void;
  onRemove: (i: number) => void;
}) {
  const [min, max] = recipeKindInfo(kind)?.inputs ?? [1, 1];
  const label = (i: number) => (kind === "join" ? (i === 0 ? "Left" : "Right") : `Input ${i + 1}`);
  return (
    <div className="input-pickers">
      {inputs.map((id, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: inputs are positional
        <div className="row-line" key={i}>
          <span className="as-label input-role">{label(i)}</span>
          <Select
            aria-label={`${label(i)} input dataset`}
            data-testid={`input-${i}`}
            value={id}
            onChange={(e) => onChange(i, e.target.value)}
          >
            <option value="">{kind === "join" && i === 1 ? "Join with…" : "Pick a dataset…"}</option>
            {datasets.map((d) => (
              <option key={d.id} value={d.id} disabled={!d.schema}>
                {d.name}
                {d.schema ? "" : " (not built)"}
              </option>
            ))}
          </Select>
          {i >= min ? (
            <button
              type="button"
              className="icon-btn"
              aria-label={`Remove input ${i + 1}`}
              onClick={() => onRemove(i)}
            >
              <CloseIcon size={14} />
            </button>
          ) : null}
        </div>
      ))}
      {inputs.length < max && max > 2 ? (
        <button type="button" className="add-btn" data-testid="add-input" onClick={onAdd}>
          <PlusIcon size={14} />
          Add input
        </button>
      ) : null}
    </div>
  );
}
