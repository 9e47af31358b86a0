"use client";

import type { DatasetInfo, Recipe, SplitParams } from "@sous/contracts";
import { useMemo, useState } from "react";
import type { Col } from "@/ui/columns.tsx";
import { recipeKindInfo, toObjectName, uniqueName } from "@/ui/recipe-kinds.ts";
import { useUndoable } from "@/ui/use-undoable.ts";
import { defaultParams, defaultSqlParams, suggestJoinKeys } from "./defaults.ts";
import { defaultSplitNames } from "./form-split.tsx";

export interface Draft {
  inputs: string[];
  params: Record<string, unknown>;
  output: string;
  /** A split: its outputs' dataset names, in order (the other rows' last). */
  outputs: string[];
  /** A split: per output, the dataset the saved recipe already writes, or null for a new one. */
  outputIds: (string | null)[];
}

export const stable = (x: unknown) => JSON.stringify(x);
/** What saving sends: the params, and a split's outputs. Comparing it tells "unsaved changes". */
const savedForm = (kind: string, d: Draft) =>
  stable(kind === "split" ? [d.params, d.outputs, d.outputIds] : d.params);

/**
 * The recipe being edited, as the user has it now: inputs, params and output names, with undo and
 * redo, and whether it differs from what the server last saved. A new recipe starts from the
 * kind's defaults for the inputs picked on the Flow.
 */
export function useRecipeDraft({
  initialRecipe,
  recipe,
  kind,
  newKind,
  initialInputs,
  takenNames,
  byId,
  colsOf,
  readOnly,
}: {
  initialRecipe: Recipe | null;
  /** The recipe as last saved (null until a new one is created). */
  recipe: Recipe | null;
  kind: string;
  /** A new recipe's kind, from the Flow. */
  newKind: string;
  initialInputs: string[];
  takenNames: string[];
  byId: ReadonlyMap<string, DatasetInfo>;
  colsOf: (id: string) => Col[];
  readOnly: boolean;
}) {
  // Datasets this editor created since the page loaded (new split outputs) are taken too.
  const [createdNames, setCreatedNames] = useState<string[]>([]);
  const taken = useMemo(() => new Set([...takenNames, ...createdNames]), [takenNames, createdNames]);

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
    const inputs = [...initialInputs];
    const min = recipeKindInfo(newKind)?.inputs[0] ?? 1;
    while (inputs.length < min) inputs.push("");
    const first = byId.get(inputs[0] ?? "");
    const params =
      newKind === "sql"
        ? defaultSqlParams(inputs.map((id) => byId.get(id)?.name ?? ""))
        : defaultParams(newKind, inputs.map(colsOf));
    const outputs =
      newKind === "split" ? defaultSplitNames(first?.name ?? "output", params as SplitParams, taken) : [];
    return {
      inputs,
      params,
      outputs,
      outputIds: outputs.map(() => null),
      output: uniqueName(
        toObjectName(`${first?.name ?? "output"}_${recipeKindInfo(newKind)?.outputSuffix ?? "out"}`),
        taken,
      ),
    };
  }, [initialRecipe, initialInputs, newKind, byId, colsOf, taken]);

  const history = useUndoable<Draft>(initialDraft);
  const draft = history.value;
  const [saved, setSaved] = useState(() => savedForm(kind, initialDraft));
  const dirty = recipe ? savedForm(kind, draft) !== saved : true;
  // A new recipe nobody touched yet loses nothing: only edits ask before leaving.
  const unsaved = dirty && !readOnly && (recipe !== null || draft !== initialDraft);

  /** Picks input `i`; the params that depend on the inputs follow. */
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

  return {
    history,
    draft,
    taken,
    dirty,
    unsaved,
    setInput,
    /** Records `d` (of kind `k`) as what the server now holds. */
    markSaved: (k: string, d: Draft) => setSaved(savedForm(k, d)),
    /** New split outputs became datasets: their names are taken from now on. */
    addCreatedNames: (names: string[]) => setCreatedNames((c) => [...c, ...names]),
  };
}
