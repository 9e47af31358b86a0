"use client";

import type { Recipe, SplitParams } from "@sous/contracts";
import { useCallback, useMemo, useState } from "react";
import { type NamedStep, nameSteps } from "@/ui/step-names.ts";
import { splitOutputCount } from "./form-split.tsx";
import { infoOf } from "./prepare-defaults.ts";
import { prepareSpecAsOf, usePrepareHighlight } from "./prepare-view.tsx";
import { usePreview } from "./use-preview.ts";
import type { Draft } from "./use-recipe-draft.ts";

/**
 * The draft's output on the inputs' sample, asked again after each edit. Prepare asks sooner and
 * can show the table as of a clicked step; a split previews one output at a time (the form picks
 * which). No preview while an input is missing: `waiting` says which.
 */
export function useRecipePreview({
  projectId,
  kind,
  draft,
  recipe,
}: {
  projectId: string;
  kind: string;
  draft: Draft;
  recipe: Recipe | null;
}) {
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
  const asOfSpec = useMemo(
    () => (isPrepare ? prepareSpecAsOf(draft.params, asOf) : null),
    [isPrepare, draft.params, asOf],
  );
  // While the table shows a step's data, the whole script's preview (the engine checks) is asked
  // once the step's has answered: sent with it, on 2 cores it slowed the one the table shows.
  const asOfPreview = usePreview(
    projectId,
    waiting || !asOfSpec ? null : { inputs: draft.inputs, spec: asOfSpec },
    200,
    60,
  );
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
    !asOfSpec,
    asOfSpec !== null && asOfPreview.loading,
  );
  const prepareView = usePrepareHighlight(draft.params, isPrepare ? asOf : null, preview.data, setAsOf);

  // Prepare's messages name steps by their label ("Parse user agent (#4)"), not their ids.
  const prepareSteps = isPrepare ? (draft.params as { steps?: NamedStep[] }).steps : undefined;
  const stepNamer = useCallback(
    (text: string) => nameSteps(text, prepareSteps ?? [], (t) => infoOf(t)?.label),
    [prepareSteps],
  );

  return {
    missingInput,
    waiting,
    spec,
    /** The whole draft's preview (the forms and engine checks read it). */
    preview,
    /** What the table shows: as of the clicked prepare step, or the whole draft. */
    shown: asOfSpec ? asOfPreview : preview,
    asOf,
    setAsOf,
    prepareView,
    stepNamer,
    outputCount,
    shownOut,
    setPreviewOut,
  };
}
