import { IdSchema } from "@sous/contracts";
import {
  ClusterAnalysisSchema,
  ClusterTrainingSchema,
  CreateClusteringBodySchema,
  UpdateClusteringBodySchema,
} from "@sous/ml";
import { z } from "zod";
import { endpoint } from "./endpoint.ts";

// The Lab's clustering analyses (no target); spread into the one endpoint table.

const project = z.object({ projectId: IdSchema }).strict();
const analysis = project.extend({ analysisId: IdSchema }).strict();

export const clusterEndpoints = {
  listClusterings: endpoint({
    method: "GET",
    path: "/projects/{projectId}/ml/clusterings",
    tag: "ml",
    auth: "user",
    projectRole: "VIEWER",
    summary: "The project's clustering analyses, last changed first, with their trainings",
    params: project,
    output: z.array(ClusterAnalysisSchema),
  }),
  createClustering: endpoint({
    method: "POST",
    path: "/projects/{projectId}/ml/clusterings",
    tag: "ml",
    auth: "user",
    projectRole: "EDITOR",
    status: 201,
    summary: "Create a clustering on a dataset: k-means on the suggested features",
    params: project,
    body: CreateClusteringBodySchema,
    output: ClusterAnalysisSchema,
  }),
  getClustering: endpoint({
    method: "GET",
    path: "/projects/{projectId}/ml/clusterings/{analysisId}",
    tag: "ml",
    auth: "user",
    projectRole: "VIEWER",
    summary: "A clustering analysis: its design, what stops it from training, and its trainings",
    params: analysis,
    output: ClusterAnalysisSchema,
  }),
  updateClustering: endpoint({
    method: "PUT",
    path: "/projects/{projectId}/ml/clusterings/{analysisId}",
    tag: "ml",
    auth: "user",
    projectRole: "EDITOR",
    summary: "Save the clustering design (409 when someone saved since `version`)",
    params: analysis,
    body: UpdateClusteringBodySchema,
    output: ClusterAnalysisSchema,
  }),
  trainClustering: endpoint({
    method: "POST",
    path: "/projects/{projectId}/ml/clusterings/{analysisId}/trainings",
    tag: "ml",
    auth: "user",
    projectRole: "EDITOR",
    status: 201,
    summary: "Cluster with the saved design: a job (mode train); k above the rows or no feature is a 400",
    params: analysis,
    output: ClusterTrainingSchema,
  }),
};
