"use client";

import type { DatasetInfo, Recipe } from "@sous/contracts";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { type ApiBody, ApiError, apiCall, errorMessage } from "@/ui/api.ts";
import { toObjectName, uniqueName } from "@/ui/recipe-kinds.ts";
import { useToast } from "@/ui/toast.tsx";
import type { useUndoable } from "@/ui/use-undoable.ts";
import { type Draft, stable } from "./use-recipe-draft.ts";

type SpecBody = ApiBody<"POST /projects/{projectId}/recipes">["spec"];

/**
 * Saving the draft: create a new recipe, or update a saved one with optimistic concurrency (the
 * request carries the revision the draft was based on). When someone else saved in between, the
 * server refuses and `conflict` offers their version or overwriting it. Converting to SQL is a
 * save too (one-way, server-side).
 */
export function useRecipeSave({
  projectId,
  kind,
  recipe,
  setRecipe,
  draft,
  spec,
  readOnly,
  taken,
  history,
  markSaved,
  addCreatedNames,
  loadOutputs,
  setOutputs,
  onConverted,
}: {
  projectId: string;
  kind: string;
  recipe: Recipe | null;
  setRecipe: (r: Recipe) => void;
  draft: Draft;
  spec: { kind: string; version: number; params: Record<string, unknown> };
  readOnly: boolean;
  taken: ReadonlySet<string>;
  history: ReturnType<typeof useUndoable<Draft>>;
  markSaved: (kind: string, d: Draft) => void;
  addCreatedNames: (names: string[]) => void;
  loadOutputs: (ids: string[]) => Promise<DatasetInfo[]>;
  setOutputs: (outputs: DatasetInfo[]) => void;
  /** The recipe became a SQL recipe: views of the old kind (a prepare step's "as of") are gone. */
  onConverted: () => void;
}) {
  const router = useRouter();
  const toast = useToast();
  const isSplit = kind === "split";
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<string | null>(null);
  const [conflict, setConflict] = useState<string | null>(null);

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
    // The editor's draft spec is not checked in the browser: the server validates it, and its
    // refusal (naming the step and field) is the save's error.
    const sent = spec as SpecBody;
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
        const created = await apiCall("POST /projects/{projectId}/recipes", {
          params: { projectId },
          body: {
            name: uniqueName(toObjectName(`compute_${out}`), taken),
            inputs: draft.inputs,
            ...(isSplit
              ? { outputs: names.map((name) => ({ name })) }
              : kind === "evaluate"
                ? // The scored rows, then the metrics (one row per run) beside them.
                  { outputs: [{ name: out }, { name: uniqueName(toObjectName(`${out}_metrics`), taken) }] }
                : { output: { name: out } }),
            spec: sent,
          },
        });
        toast(`Created ${created.name}. Run it to build ${names.join(", ")}.`, "success");
        setRecipe(created);
        markSaved(kind, draft);
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
      const updated = await apiCall("PUT /projects/{projectId}/recipes/{recipeId}", {
        params: { projectId, recipeId: recipe.id },
        body: {
          revision: overwriteRevision ?? recipe.revision,
          spec: sent,
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
        addCreatedNames(newNames);
        const byOutId = new Map(fresh.map((d) => [d.id, d.name]));
        const next = {
          ...draft,
          outputs: updated.outputs.map((id, i) => byOutId.get(id) ?? draft.outputs[i] ?? id),
          outputIds: updated.outputs,
        };
        history.reset(next);
        markSaved(kind, next);
        // Save and run builds them right away: no need to say so.
        if (!opts?.thenRun)
          toast(`Saved. Run ${updated.name} to build ${newNames.join(", ") || "its outputs"}.`, "success");
      } else {
        markSaved(kind, draft);
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
      const theirs = await apiCall("GET /projects/{projectId}/recipes/{recipeId}", {
        params: { projectId, recipeId: recipe.id },
      });
      const next = { ...draft, params: theirs.spec.params };
      if (isSplit) {
        const fresh = await loadOutputs(theirs.outputs);
        setOutputs(fresh);
        const byOutId = new Map(fresh.map((d) => [d.id, d.name]));
        next.outputs = theirs.outputs.map((id) => byOutId.get(id) ?? id);
        next.outputIds = theirs.outputs;
      }
      setRecipe(theirs);
      markSaved(kind, next);
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
      const theirs = await apiCall("GET /projects/{projectId}/recipes/{recipeId}", {
        params: { projectId, recipeId: recipe.id },
      });
      const r = await save(theirs.revision);
      if (r) toast(`Saved over revision ${theirs.revision}.`, "success");
    } catch (e) {
      setSaveError(errorMessage(e));
    }
  }

  /** One-way: the recipe becomes a SQL recipe. Returns why it could not, or null. */
  async function convertToSql(): Promise<string | null> {
    if (!recipe) return "Create the recipe first.";
    try {
      const updated = await apiCall("POST /projects/{projectId}/recipes/{recipeId}/convert-to-sql", {
        params: { projectId, recipeId: recipe.id },
        body: { revision: recipe.revision },
      });
      const params = updated.spec.params;
      setRecipe(updated);
      markSaved(updated.spec.kind, { ...draft, params });
      onConverted();
      history.reset({ ...draft, params });
      toast(`${updated.name} is now a SQL recipe.`, "success");
      return null;
    } catch (e) {
      return errorMessage(e);
    }
  }

  return {
    save,
    saving,
    saveError,
    dismissSaveError: () => setSaveError(null),
    conflict,
    reloadTheirs,
    overwrite,
    convertToSql,
  };
}
