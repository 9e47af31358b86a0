import { IdSchema, RetrainSavedModelInputSchema } from "@sous/contracts";
import {
  CreateAnalysisBodySchema,
  DeployBodySchema,
  DesignSuggestionSchema,
  MlAnalysisSchema,
  MlAnalysisSummarySchema,
  MlTrainingSchema,
  ModelChartsSchema,
  ModelRowSchema,
  SavedModelSchema,
  SetActiveVersionBodySchema,
  SuggestBodySchema,
  UpdateAnalysisBodySchema,
} from "@sous/ml";
import { z } from "zod";
import { endpoint } from "./endpoint.ts";

// The Lab (analyses, trainings, charts) and saved models; spread into the one endpoint table.

const project = z.object({ projectId: IdSchema }).strict();
const analysis = project.extend({ analysisId: IdSchema }).strict();
const training = project.extend({ trainingId: IdSchema }).strict();
const model = training.extend({ modelIndex: z.coerce.number().int().min(0) }).strict();
const savedModel = project.extend({ savedModelId: IdSchema }).strict();
const ok = z.object({ ok: z.literal(true) }).strict();
const DeleteSavedModelQuerySchema = z
  .object({
    force: z
      .enum(["true", "false"])
      .default("false")
      .describe(
        "true: delete even though score or evaluate recipes use it (they stay, and fail until given another model). An API endpoint serving it always refuses with 409.",
      ),
  })
  .strict();

export const mlEndpoints = {
  suggestDesign: endpoint({
    method: "POST",
    path: "/projects/{projectId}/ml/suggest",
    tag: "ml",
    auth: "user",
    projectRole: "VIEWER",
    summary: "The first design for a target: task, feature handling, and why columns are left out",
    params: project,
    body: SuggestBodySchema,
    output: DesignSuggestionSchema,
  }),
  listAnalyses: endpoint({
    method: "GET",
    path: "/projects/{projectId}/ml/analyses",
    tag: "ml",
    auth: "user",
    projectRole: "VIEWER",
    summary: "The project's Lab analyses, last changed first",
    params: project,
    output: z.array(MlAnalysisSummarySchema),
  }),
  createAnalysis: endpoint({
    method: "POST",
    path: "/projects/{projectId}/ml/analyses",
    tag: "ml",
    auth: "user",
    projectRole: "EDITOR",
    status: 201,
    summary: "Create a model on a dataset: an analysis with the suggested design for the target",
    params: project,
    body: CreateAnalysisBodySchema,
    output: MlAnalysisSchema,
  }),
  getAnalysis: endpoint({
    method: "GET",
    path: "/projects/{projectId}/ml/analyses/{analysisId}",
    tag: "ml",
    auth: "user",
    projectRole: "VIEWER",
    summary: "An analysis: its design, what stops it from training, and its trainings",
    params: analysis,
    output: MlAnalysisSchema,
  }),
  updateAnalysis: endpoint({
    method: "PUT",
    path: "/projects/{projectId}/ml/analyses/{analysisId}",
    tag: "ml",
    auth: "user",
    projectRole: "EDITOR",
    summary: "Save the design (409 when someone saved since `version`)",
    params: analysis,
    body: UpdateAnalysisBodySchema,
    output: MlAnalysisSchema,
  }),
  deleteAnalysis: endpoint({
    method: "DELETE",
    path: "/projects/{projectId}/ml/analyses/{analysisId}",
    tag: "ml",
    auth: "user",
    projectRole: "EDITOR",
    summary: "Delete an analysis and the artifacts of its undeployed models",
    params: analysis,
    output: ok,
  }),
  train: endpoint({
    method: "POST",
    path: "/projects/{projectId}/ml/analyses/{analysisId}/trainings",
    tag: "ml",
    auth: "user",
    projectRole: "EDITOR",
    status: 201,
    summary: "Train the saved design: a job (mode train) with a log and cancel like any build",
    params: analysis,
    output: MlTrainingSchema,
  }),
  listModels: endpoint({
    method: "GET",
    path: "/projects/{projectId}/ml/models",
    tag: "ml",
    auth: "user",
    projectRole: "VIEWER",
    summary: "Every model of every finished training, to compare them",
    params: project,
    output: z.array(ModelRowSchema),
  }),
  modelCharts: endpoint({
    method: "GET",
    path: "/projects/{projectId}/ml/trainings/{trainingId}/models/{modelIndex}/charts",
    tag: "ml",
    auth: "user",
    projectRole: "VIEWER",
    summary: "The data of a trained model's charts (ROC, PR, score histogram, confusion, importances...)",
    params: model,
    output: ModelChartsSchema,
  }),
  deployModel: endpoint({
    method: "POST",
    path: "/projects/{projectId}/ml/trainings/{trainingId}/deploy",
    tag: "ml",
    auth: "user",
    projectRole: "EDITOR",
    status: 201,
    summary: "Deploy a trained model to the Flow: a new saved model, or a new active version of one",
    params: training,
    body: DeployBodySchema,
    output: SavedModelSchema,
  }),
  listSavedModels: endpoint({
    method: "GET",
    path: "/projects/{projectId}/saved-models",
    tag: "ml",
    auth: "user",
    projectRole: "VIEWER",
    summary: "The project's saved models with their versions",
    params: project,
    output: z.array(SavedModelSchema),
  }),
  getSavedModel: endpoint({
    method: "GET",
    path: "/projects/{projectId}/saved-models/{savedModelId}",
    tag: "ml",
    auth: "user",
    projectRole: "VIEWER",
    summary: "A saved model with its versions",
    params: savedModel,
    output: SavedModelSchema,
  }),
  deleteSavedModel: endpoint({
    method: "DELETE",
    path: "/projects/{projectId}/saved-models/{savedModelId}",
    tag: "ml",
    auth: "user",
    projectRole: "EDITOR",
    summary:
      "Delete a saved model and its versions; 409 while an API endpoint serves it, and while recipes use it unless force=true",
    params: savedModel,
    query: DeleteSavedModelQuerySchema,
    output: ok,
  }),
  setActiveVersion: endpoint({
    method: "PUT",
    path: "/projects/{projectId}/saved-models/{savedModelId}/active-version",
    tag: "ml",
    auth: "user",
    projectRole: "EDITOR",
    summary: "Make a version active (roll back or forward)",
    params: savedModel,
    body: SetActiveVersionBodySchema,
    output: SavedModelSchema,
  }),
  retrainSavedModel: endpoint({
    method: "POST",
    path: "/projects/{projectId}/saved-models/{savedModelId}/retrain",
    tag: "ml",
    auth: "user",
    projectRole: "EDITOR",
    status: 201,
    summary:
      "Train the active version's design again on the training dataset's current version (a job of mode train); when it succeeds, the same model becomes a new version, active unless activate is false",
    params: savedModel,
    body: RetrainSavedModelInputSchema,
    output: z.object({ jobId: IdSchema, trainingId: IdSchema }),
  }),
};
