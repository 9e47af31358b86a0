import {
  ApiKeyCreatedSchema,
  ApiKeySchema,
  CompileQuerySchema,
  CreateApiKeyBodySchema,
  CreateJobBodySchema,
  CreateProjectBodySchema,
  CreateRecipeBodySchema,
  DatasetInfoSchema,
  DatasetPreviewSchema,
  FlowGraphSchema,
  IdSchema,
  JobLogSchema,
  JobSchema,
  LoginBodySchema,
  PreviewQuerySchema,
  ProjectSchema,
  RecipeSchema,
  SaveLayoutBodySchema,
  SetupBodySchema,
  UpdateRecipeBodySchema,
  UploadDatasetQuerySchema,
  UserSchema,
} from "@sous/contracts";
import { z } from "zod";
import { endpoint } from "./endpoint.ts";

// Every /api/v1 endpoint, in one table: route handlers validate with these schemas and
// /api/v1/openapi.json is generated from them, so the documentation cannot drift.

const project = z.object({ projectId: IdSchema }).strict();
const dataset = project.extend({ datasetId: IdSchema }).strict();
const recipe = project.extend({ recipeId: IdSchema }).strict();
const job = project.extend({ jobId: IdSchema }).strict();
const ok = z.object({ ok: z.literal(true) }).strict();

export const api = {
  setup: endpoint({
    method: "POST", path: "/auth/setup", tag: "auth", auth: "public", status: 201,
    summary: "Create the first administrator (only while no user exists)",
    body: SetupBodySchema, output: UserSchema,
  }),
  login: endpoint({
    method: "POST", path: "/auth/login", tag: "auth", auth: "public",
    summary: "Sign in with email and password; sets the session cookie",
    body: LoginBodySchema, output: UserSchema,
  }),
  logout: endpoint({ method: "POST", path: "/auth/logout", tag: "auth", auth: "public", summary: "End the session", output: ok }),
  me: endpoint({ method: "GET", path: "/me", tag: "auth", auth: "user", summary: "The caller", output: UserSchema }),
  listApiKeys: endpoint({
    method: "GET", path: "/me/api-keys", tag: "auth", auth: "user", summary: "The caller's API keys",
    output: z.array(ApiKeySchema),
  }),
  createApiKey: endpoint({
    method: "POST", path: "/me/api-keys", tag: "auth", auth: "user", status: 201,
    summary: "Create an API key; the key is in this response only",
    body: CreateApiKeyBodySchema, output: ApiKeyCreatedSchema,
  }),
  revokeApiKey: endpoint({
    method: "DELETE", path: "/me/api-keys/{keyId}", tag: "auth", auth: "user", status: 204,
    summary: "Revoke an API key", params: z.object({ keyId: IdSchema }).strict(),
  }),
  listProjects: endpoint({
    method: "GET", path: "/projects", tag: "projects", auth: "user", summary: "Projects the caller can see",
    output: z.array(ProjectSchema),
  }),
  createProject: endpoint({
    method: "POST", path: "/projects", tag: "projects", auth: "user", status: 201,
    summary: "Create a project; the caller becomes its owner", body: CreateProjectBodySchema, output: ProjectSchema,
  }),
  getProject: endpoint({
    method: "GET", path: "/projects/{projectId}", tag: "projects", auth: "user", projectRole: "VIEWER",
    summary: "A project", params: project, output: ProjectSchema,
  }),
  listDatasets: endpoint({
    method: "GET", path: "/projects/{projectId}/datasets", tag: "datasets", auth: "user", projectRole: "VIEWER",
    summary: "Datasets of a project", params: project, output: z.array(DatasetInfoSchema),
  }),
  uploadDataset: endpoint({
    method: "POST", path: "/projects/{projectId}/datasets", tag: "datasets", auth: "user", projectRole: "EDITOR", status: 201,
    summary: "Upload a CSV file as a new dataset (the request body is the file, streamed)",
    params: project, query: UploadDatasetQuerySchema, body: { stream: ["text/csv", "application/octet-stream"] },
    output: DatasetInfoSchema,
  }),
  getDataset: endpoint({
    method: "GET", path: "/projects/{projectId}/datasets/{datasetId}", tag: "datasets", auth: "user", projectRole: "VIEWER",
    summary: "A dataset with its schema and current version", params: dataset, output: DatasetInfoSchema,
  }),
  previewDataset: endpoint({
    method: "GET", path: "/projects/{projectId}/datasets/{datasetId}/preview", tag: "datasets", auth: "user", projectRole: "VIEWER",
    summary: "Rows of the current version", params: dataset, query: PreviewQuerySchema, output: DatasetPreviewSchema,
  }),
  listRecipes: endpoint({
    method: "GET", path: "/projects/{projectId}/recipes", tag: "recipes", auth: "user", projectRole: "VIEWER",
    summary: "Recipes of a project", params: project, output: z.array(RecipeSchema),
  }),
  createRecipe: endpoint({
    method: "POST", path: "/projects/{projectId}/recipes", tag: "recipes", auth: "user", projectRole: "EDITOR", status: 201,
    summary: "Create a recipe (and its output dataset when named)", params: project, body: CreateRecipeBodySchema, output: RecipeSchema,
  }),
  getRecipe: endpoint({
    method: "GET", path: "/projects/{projectId}/recipes/{recipeId}", tag: "recipes", auth: "user", projectRole: "VIEWER",
    summary: "A recipe", params: recipe, output: RecipeSchema,
  }),
  updateRecipe: endpoint({
    method: "PUT", path: "/projects/{projectId}/recipes/{recipeId}", tag: "recipes", auth: "user", projectRole: "EDITOR",
    summary: "Update a recipe; `revision` must be the current one (409 otherwise)", params: recipe, body: UpdateRecipeBodySchema, output: RecipeSchema,
  }),
  deleteRecipe: endpoint({
    method: "DELETE", path: "/projects/{projectId}/recipes/{recipeId}", tag: "recipes", auth: "user", projectRole: "EDITOR", status: 204,
    summary: "Delete a recipe (its output datasets stay)", params: recipe,
  }),
  compileRecipe: endpoint({
    method: "GET", path: "/projects/{projectId}/recipes/{recipeId}/compile", tag: "recipes", auth: "user", projectRole: "VIEWER",
    summary: "The SQL a recipe compiles to, its output schema and per-step translatability", params: recipe, query: CompileQuerySchema,
  }),
  getFlow: endpoint({
    method: "GET", path: "/projects/{projectId}/flow", tag: "flow", auth: "user", projectRole: "VIEWER",
    summary: "The flow graph with saved positions", params: project, output: FlowGraphSchema,
  }),
  saveLayout: endpoint({
    method: "PUT", path: "/projects/{projectId}/flow/layout", tag: "flow", auth: "user", projectRole: "EDITOR",
    summary: "Save node positions", params: project, body: SaveLayoutBodySchema, output: ok,
  }),
  listJobs: endpoint({
    method: "GET", path: "/projects/{projectId}/jobs", tag: "jobs", auth: "user", projectRole: "VIEWER",
    summary: "Latest jobs of a project", params: project, output: z.array(JobSchema),
  }),
  createJob: endpoint({
    method: "POST", path: "/projects/{projectId}/jobs", tag: "jobs", auth: "user", projectRole: "EDITOR", status: 201,
    summary: "Build datasets", params: project, body: CreateJobBodySchema, output: JobSchema,
  }),
  getJob: endpoint({
    method: "GET", path: "/projects/{projectId}/jobs/{jobId}", tag: "jobs", auth: "user", projectRole: "VIEWER",
    summary: "A job with its activities and SQL", params: job, output: JobSchema,
  }),
  getJobLogs: endpoint({
    method: "GET", path: "/projects/{projectId}/jobs/{jobId}/logs", tag: "jobs", auth: "user", projectRole: "VIEWER",
    summary: "A job's log lines", params: job, output: z.array(JobLogSchema),
  }),
};
