"use client";

import { useCallback } from "react";
import { api } from "@/ui/api.ts";
import type { PreviewState } from "./use-preview.ts";

type RecipePreview = NonNullable<PreviewState["data"]>;

/**
 * The distinct values of a column of the first input, from its sample (up to 1,000), sorted with
 * null last: a pivot lists them so that every run writes the same columns.
 */
export function useDistinctValues(projectId: string, inputs: string[]) {
  return useCallback(
    async (column: string) => {
      const r = await api<RecipePreview>(`/projects/${projectId}/recipes/preview`, {
        method: "POST",
        json: {
          inputs: [inputs[0]],
          spec: { kind: "distinct", version: 1, params: { columns: [column] } },
          limit: 1000,
        },
      });
      const vals = r.rows.map((row) => row[0] ?? null);
      return vals.sort((a, b) => (a === null ? 1 : b === null ? -1 : a < b ? -1 : a > b ? 1 : 0));
    },
    [projectId, inputs],
  );
}
