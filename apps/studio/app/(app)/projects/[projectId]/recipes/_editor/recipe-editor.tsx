"use client";

import "@/ui/recipes.css";
import "./editor.css";
import type { DatasetInfo, Recipe, RecipeKind, SplitParams } from "@sous/contracts";
import { type ReactNode, useCallback, useMemo, useState } from "react";
import type { Col } from "@/ui/columns.tsx";
import { LeaveGuard } from "@/ui/leave-guard.tsx";
import { isRecipeKind, recipeKindInfo } from "@/ui/recipe-kinds.ts";
import { EvaluateForm } from "./form-evaluate.tsx";
import { FilterForm } from "./form-filter.tsx";
import { JoinForm } from "./form-join.tsx";
import { PrepareForm } from "./form-prepare.tsx";
import { ScoreForm } from "./form-score.tsx";
import { SplitForm } from "./form-split.tsx";
import { SqlForm } from "./form-sql.tsx";
import { GroupForm, PivotForm, WindowForm } from "./forms-aggregate.tsx";
import { DistinctForm, SortForm, StackForm, SyncForm, TopNForm } from "./forms-basic.tsx";
import { PreviewPane } from "./preview-pane.tsx";
import { RecipeHeader } from "./recipe-header.tsx";
import { RecipeIo } from "./recipe-io.tsx";
import { RunPanel } from "./run-panel.tsx";
import { ConflictBanner, SaveErrorBanner } from "./save-banners.tsx";
import type { FormProps } from "./types.ts";
import { useDistinctValues } from "./use-distinct-values.ts";
import { useEditorShortcuts } from "./use-editor-shortcuts.ts";
import { useEngineChecks } from "./use-engine-checks.tsx";
import { useRecipeDraft } from "./use-recipe-draft.ts";
import { useRecipeOutputs } from "./use-recipe-outputs.ts";
import { useRecipePreview } from "./use-recipe-preview.ts";
import { useRecipeRun } from "./use-recipe-run.ts";
import { useRecipeSave } from "./use-recipe-save.ts";

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
  evaluate: EvaluateForm,
};

export function RecipeEditor(props: RecipeEditorProps) {
  const { projectId, canEdit, datasets, recipe: initialRecipe } = props;
  const [recipe, setRecipe] = useState(initialRecipe);
  const kind = recipe?.spec.kind ?? props.kind;
  const info = recipeKindInfo(kind);
  const readOnly = !canEdit;
  const isPrepare = kind === "prepare";
  const isSplit = kind === "split";
  const byId = useMemo(() => new Map(datasets.map((d) => [d.id, d])), [datasets]);
  const colsOf = useCallback((id: string): Col[] => byId.get(id)?.schema ?? [], [byId]);

  const { history, draft, taken, dirty, unsaved, setInput, markSaved, addCreatedNames } = useRecipeDraft({
    initialRecipe,
    recipe,
    kind,
    newKind: props.kind,
    initialInputs: props.initialInputs,
    takenNames: props.takenNames,
    byId,
    colsOf,
    readOnly,
  });
  const preview = useRecipePreview({ projectId, kind, draft, recipe });
  const { step, recipeVerdict } = useEngineChecks(preview.preview.data, isPrepare);
  const distinctValues = useDistinctValues(projectId, draft.inputs);
  const { outputs, setOutputs, loadOutputs, refreshOutputs } = useRecipeOutputs(
    projectId,
    initialRecipe,
    recipe,
    byId,
  );
  const saver = useRecipeSave({
    projectId,
    kind,
    recipe,
    setRecipe,
    draft,
    spec: preview.spec,
    readOnly,
    taken,
    history,
    markSaved,
    addCreatedNames,
    loadOutputs,
    setOutputs,
    onConverted: () => preview.setAsOf(null),
  });
  const run = useRecipeRun({
    projectId,
    recipe,
    dirty,
    save: saver.save,
    datasets,
    outputs,
    refreshOutputs,
  });
  useEditorShortcuts(history.undo, history.redo);

  const Form = isRecipeKind(kind) ? FORMS[kind] : undefined;
  const formInputs = draft.inputs.map((id, i) => ({
    id: id || `missing-${i}`,
    name: byId.get(id)?.name ?? "?",
    columns: colsOf(id),
  }));
  const { shownOut, outputCount } = preview;

  return (
    <div className="recipe-page" data-testid="recipe-editor" data-kind={kind}>
      <LeaveGuard when={unsaved} />
      <RecipeHeader
        projectId={projectId}
        projectName={props.projectName}
        kind={kind}
        recipe={recipe}
        preview={preview.preview.data}
        params={draft.params}
        readOnly={readOnly}
        recipeVerdict={recipeVerdict}
        canUndo={history.canUndo}
        canRedo={history.canRedo}
        onUndo={history.undo}
        onRedo={history.redo}
        dirty={dirty}
        saving={saver.saving}
        saveDisabled={(recipe !== null && !dirty) || preview.missingInput >= 0}
        onSave={() => void saver.save()}
        mode={run.mode}
        setMode={run.setMode}
        running={run.running}
        onRun={() => void run.runRecipe()}
      />
      {saver.saveError ? (
        <SaveErrorBanner message={saver.saveError} onDismiss={saver.dismissSaveError} />
      ) : null}
      {saver.conflict ? (
        <ConflictBanner
          message={saver.conflict}
          onReload={() => void saver.reloadTheirs()}
          onOverwrite={() => void saver.overwrite()}
        />
      ) : null}
      {recipe && run.runState && run.panelOpen ? (
        <RunPanel
          projectId={projectId}
          state={run.runState}
          outputs={outputs}
          names={run.names}
          onClose={run.closePanel}
        />
      ) : null}
      <div className="recipe-body">
        <div className="recipe-settings" data-testid="recipe-settings">
          <RecipeIo
            projectId={projectId}
            kind={kind}
            saved={recipe !== null}
            inputs={draft.inputs}
            datasets={datasets}
            byId={byId}
            outputs={outputs}
            output={draft.output}
            taken={taken}
            onInput={setInput}
            onAddInput={() => history.set((d) => ({ ...d, inputs: [...d.inputs, ""] }))}
            onRemoveInput={(i) => history.set((d) => ({ ...d, inputs: d.inputs.filter((_, j) => j !== i) }))}
            onOutput={(name) => history.set((d) => ({ ...d, output: name }), "output")}
          />
          {!Form ? (
            <p className="muted">There is no visual editor for {kind} recipes yet.</p>
          ) : preview.missingInput >= 0 ? null : (
            <Form
              params={draft.params}
              set={(params: Record<string, unknown>, key?: string) =>
                history.set((d) => ({ ...d, params }), key)
              }
              inputs={formInputs}
              step={step}
              readOnly={readOnly}
              distinctValues={distinctValues}
              preview={preview.preview.data}
              previewError={preview.preview.error}
              asOf={preview.asOf}
              setAsOf={preview.setAsOf}
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
                      preview: preview.setPreviewOut,
                    },
                  }
                : {})}
            />
          )}
          {info ? null : <p className="muted small">Unknown recipe kind.</p>}
        </div>
        <PreviewPane
          key={kind}
          {...(isPrepare ? { nameSteps: preview.stepNamer } : {})}
          state={preview.shown}
          waiting={preview.waiting}
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
                  run: saver.convertToSql,
                },
              })}
          {...(isPrepare ? { highlight: preview.prepareView.highlight, note: preview.prepareView.note } : {})}
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
