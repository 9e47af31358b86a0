"use client";

import { useCallback } from "react";
import { apiCall, errorMessage } from "@/ui/api.ts";
import { useToast } from "@/ui/toast.tsx";

export type SavedPosition = { nodeId: string; x: number; y: number };

/** Saves node positions for everyone (viewers move nodes on their screen only). */
export function useSaveLayout(projectId: string, canEdit: boolean) {
  const toast = useToast();
  return useCallback(
    async (positions: SavedPosition[]) => {
      if (!canEdit || positions.length === 0) return;
      try {
        await apiCall("PUT /projects/{projectId}/flow/layout", {
          params: { projectId },
          body: { positions },
        });
      } catch (e) {
        toast(`Could not save the layout: ${errorMessage(e)}`, "error");
      }
    },
    [canEdit, projectId, toast],
  );
}
