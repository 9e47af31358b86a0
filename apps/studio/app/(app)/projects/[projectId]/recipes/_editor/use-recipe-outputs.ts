"use client";

import type { DatasetInfo, Recipe } from "@sous/contracts";
import { useCallback, useState } from "react";
import { apiCall } from "@/ui/api.ts";

/**
 * The datasets a saved recipe writes, kept fresh: a run changes their row counts and state, and
 * saving a split can add new ones. A dataset that cannot be loaded (deleted meanwhile) is left out.
 */
export function useRecipeOutputs(
  projectId: string,
  initialRecipe: Recipe | null,
  recipe: Recipe | null,
  byId: ReadonlyMap<string, DatasetInfo>,
) {
  const [outputs, setOutputs] = useState<DatasetInfo[]>(() =>
    (initialRecipe?.outputs ?? []).map((id) => byId.get(id)).filter((d): d is DatasetInfo => Boolean(d)),
  );
  const loadOutputs = useCallback(
    async (ids: string[]) =>
      (
        await Promise.all(
          ids.map((datasetId) =>
            apiCall("GET /projects/{projectId}/datasets/{datasetId}", {
              params: { projectId, datasetId },
            }).catch(() => null),
          ),
        )
      ).filter((d): d is DatasetInfo => d !== null),
    [projectId],
  );
  const refreshOutputs = useCallback(async () => {
    if (!recipe) return;
    setOutputs(await loadOutputs(recipe.outputs));
  }, [recipe, loadOutputs]);
  return { outputs, setOutputs, loadOutputs, refreshOutputs };
}
