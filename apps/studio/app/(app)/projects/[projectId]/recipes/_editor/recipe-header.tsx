"use client";

import type { BuildMode, Recipe } from "@sous/contracts";
import Link from "next/link";
import { Button } from "@/ui/button.tsx";
import { type Engine, EngineBadge, type worstVerdict } from "@/ui/engine-badge.tsx";
import { ArrowLeftIcon, CheckIcon, PlayIcon, PlusIcon } from "@/ui/icons.tsx";
import { RecipeIcon } from "@/ui/recipe-icons.tsx";
import { recipeKindLabel } from "@/ui/recipe-kinds.ts";
import { RunModeSelect } from "../../jobs/build-mode-select.tsx";
import { EngineSelect } from "./engine-select.tsx";
import type { PreviewState } from "./use-preview.ts";

/** The editor's header: back to the Flow, the recipe's name, where it runs, and the edit actions. */
export function RecipeHeader({
  projectId,
  projectName,
  kind,
  recipe,
  preview,
  params,
  readOnly,
  recipeVerdict,
  canUndo,
  canRedo,
  onUndo,
  onRedo,
  dirty,
  saving,
  saveDisabled,
  onSave,
  mode,
  setMode,
  running,
  onRun,
}: {
  projectId: string;
  projectName: string;
  kind: string;
  recipe: Recipe | null;
  preview: PreviewState["data"];
  params: Record<string, unknown>;
  readOnly: boolean;
  recipeVerdict: (e: Engine) => ReturnType<typeof worstVerdict>;
  canUndo: boolean;
  canRedo: boolean;
  onUndo: () => void;
  onRedo: () => void;
  dirty: boolean;
  saving: boolean;
  saveDisabled: boolean;
  onSave: () => void;
  mode: BuildMode;
  setMode: (mode: BuildMode) => void;
  running: boolean;
  onRun: () => void;
}) {
  const title = recipe ? recipe.name : `New ${recipeKindLabel(kind)} recipe`;
  return (
    <header className="recipe-head">
      <Link
        href={`/projects/${projectId}`}
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
        <div className="kicker">{recipe ? `${recipeKindLabel(kind)} recipe` : projectName}</div>
        <h1 data-testid="recipe-name" title={title}>
          {title}
        </h1>
      </div>
      <EngineSelect
        projectId={projectId}
        recipeId={recipe?.id ?? null}
        preview={preview}
        params={params}
        readOnly={readOnly}
      />
      <div className="engine-badges" data-testid="recipe-engines">
        {preview ? (
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
              disabled={!canUndo}
              onClick={onUndo}
            >
              ↶
            </button>
            <button
              type="button"
              className="icon-btn"
              aria-label="Redo (Ctrl+Shift+Z)"
              title="Redo (Ctrl+Shift+Z)"
              data-testid="redo"
              disabled={!canRedo}
              onClick={onRedo}
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
              disabled={saveDisabled}
              onClick={onSave}
              data-testid="save-recipe"
            >
              {recipe ? "Save" : "Create recipe"}
            </Button>
            {recipe ? <RunModeSelect mode={mode} setMode={setMode} disabled={running} /> : null}
            {recipe ? (
              <Button
                variant="primary"
                icon={<PlayIcon />}
                loading={running}
                onClick={onRun}
                data-testid="run-recipe"
              >
                {dirty ? "Save and run" : "Run"}
              </Button>
            ) : null}
          </>
        )}
      </div>
    </header>
  );
}
