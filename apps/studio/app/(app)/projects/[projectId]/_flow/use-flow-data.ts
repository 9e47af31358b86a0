"use client";

import type { DatasetInfo, FlowGraph, Recipe } from "@sous/contracts";
import { useCallback, useEffect, useRef, useState } from "react";
import { apiCall, errorMessage } from "@/ui/api.ts";
import { useToast } from "@/ui/toast.tsx";

/**
 * The Flow as the server knows it: the graph the canvas draws, and the dataset schemas and recipe
 * specs the side panel shows. `refresh` reloads all three together, so the canvas and the panel
 * never disagree about a node.
 */
export function useFlowData(
  projectId: string,
  initialGraph: FlowGraph,
  initialDatasets: DatasetInfo[] | undefined,
  initialRecipes: Recipe[] | undefined,
) {
  const toast = useToast();
  const [graph, setGraph] = useState(initialGraph);
  const [datasets, setDatasets] = useState(initialDatasets ?? []);
  const [recipes, setRecipes] = useState(initialRecipes ?? []);

  const refresh = useCallback(async () => {
    try {
      const [g, ds, rs] = await Promise.all([
        apiCall("GET /projects/{projectId}/flow", { params: { projectId } }),
        apiCall("GET /projects/{projectId}/datasets", { params: { projectId } }),
        apiCall("GET /projects/{projectId}/recipes", { params: { projectId } }),
      ]);
      setGraph(g);
      setDatasets(ds);
      setRecipes(rs);
      return g;
    } catch (e) {
      toast(`Could not refresh the Flow: ${errorMessage(e)}`, "error");
      return null;
    }
  }, [projectId, toast]);

  // The side panel's details, when the page did not send them.
  const needDetails = useRef(initialDatasets === undefined || initialRecipes === undefined);
  useEffect(() => {
    if (!needDetails.current) return;
    needDetails.current = false;
    Promise.all([
      apiCall("GET /projects/{projectId}/datasets", { params: { projectId } }),
      apiCall("GET /projects/{projectId}/recipes", { params: { projectId } }),
    ])
      .then(([ds, rs]) => {
        setDatasets(ds);
        setRecipes(rs);
      })
      .catch((e) => toast(`Could not load the Flow's details: ${errorMessage(e)}`, "error"));
  }, [projectId, toast]);

  return { graph, datasets, recipes, refresh };
}
