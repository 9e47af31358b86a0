"use client";

import { useCallback } from "react";
import { api, errorMessage } from "@/ui/api.ts";
import { useToast } from "@/ui/toast.tsx";

export type SavedPosition = { nodeId: string; x: number; y: number };

/** Saves node positions for everyone (viewers move nodes on their screen only). */
export function useSaveLayout(projectId: string, canEdit: boolean) {
  const toast = useToast();
  return useCallback(
    async (positions: SavedPosition[]) => {
      if (!canEdit || positions.length === 0) return;
      try {
        await api(`/projects/${projectId}/flow/layout`, { method: "PUT", json: { positions } });
      } catch (e) {
        toast(`Could not save the layout: ${errorMessage(e)}`, "error");
      }
    },
    [canEdit, projectId, toast],
  );
}
