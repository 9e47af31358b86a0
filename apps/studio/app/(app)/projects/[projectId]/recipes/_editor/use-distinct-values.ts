"use client";

import { useCallback } from "react";
import { apiCall } from "@/ui/api.ts";

/**
 * The distinct values of a column of the first input, from its sample (up to 1,000), sorted with
 * null last: a pivot lists them so that every run writes the same columns.
 */
export function useDistinctValues(projectId: string, inputs: string[]) {
  return useCallback(
    async (column: string) => {
      const input = inputs[0];
      if (input === undefined) throw new Error("Pick the input dataset first.");
      const r = await apiCall("POST /projects/{projectId}/recipes/preview", {
        params: { projectId },
        body: {
          inputs: [input],
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
