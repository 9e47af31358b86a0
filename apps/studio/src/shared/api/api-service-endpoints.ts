import { IdSchema, ImportedDatasetSchema } from "@sous/contracts";
import { z } from "zod";
import {
  ApiServiceKeyCreatedSchema,
  ApiServiceMetricsSchema,
  ApiServiceSchema,
  CreateApiEndpointBodySchema,
  CreateApiServiceBodySchema,
  CreateServiceKeyBodySchema,
  DeployableVersionsSchema,
  RequestLogDatasetBodySchema,
  SetDeploymentsBodySchema,
  TestPredictBodySchema,
  TestPredictResultSchema,
  TrainingRowQuerySchema,
  TrainingRowSchema,
  UpdateApiServiceBodySchema,
} from "./api-service-schemas.ts";
import { endpoint } from "./endpoint.ts";

// API services (served by the API node, apps/api-node); spread into the one endpoint table
// (endpoints.ts), so they are validated and documented like every other.

const project = z.object({ projectId: IdSchema }).strict();
const service = project.extend({ serviceId: IdSchema }).strict();
const apiEndpoint = service.extend({ endpointId: IdSchema }).strict();
const key = service.extend({ keyId: IdSchema }).strict();
const tag = "api-services";

export const apiServiceEndpoints = {
  listApiServices: endpoint({
    method: "GET",
    path: "/projects/{projectId}/api-services",
    tag,
    auth: "user",
    projectRole: "VIEWER",
    summary:
      "The project's API services: endpoints, deployed versions and weights, keys (never the keys themselves)",
    params: project,
    output: z.array(ApiServiceSchema),
  }),
  createApiService: endpoint({
    method: "POST",
    path: "/projects/{projectId}/api-services",
    tag,
    auth: "user",
    projectRole: "EDITOR",
    status: 201,
    summary:
      "Create an API service with one endpoint serving a saved model version (names unique across projects)",
    params: project,
    body: CreateApiServiceBodySchema,
    output: ApiServiceSchema,
  }),
  listDeployableVersions: endpoint({
    method: "GET",
    path: "/projects/{projectId}/api-services/model-versions",
    tag,
    auth: "user",
    projectRole: "VIEWER",
    summary: "Saved model versions of the project an endpoint can serve",
    params: project,
    output: DeployableVersionsSchema,
  }),
  updateApiService: endpoint({
    method: "PATCH",
    path: "/projects/{projectId}/api-services/{serviceId}",
    tag,
    auth: "user",
    projectRole: "EDITOR",
    summary:
      "Change a service's description, or (administrators only) make it public: callable without a key",
    params: service,
    body: UpdateApiServiceBodySchema,
    output: ApiServiceSchema,
  }),
  deleteApiService: endpoint({
    method: "DELETE",
    path: "/projects/{projectId}/api-services/{serviceId}",
    tag,
    auth: "user",
    projectRole: "EDITOR",
    status: 204,
    summary: "Delete a service, its endpoints, keys and request log; the API node stops serving it at once",
    params: service,
  }),
  createApiEndpoint: endpoint({
    method: "POST",
    path: "/projects/{projectId}/api-services/{serviceId}/endpoints",
    tag,
    auth: "user",
    projectRole: "EDITOR",
    status: 201,
    summary: "Add an endpoint serving a saved model version",
    params: service,
    body: CreateApiEndpointBodySchema,
    output: ApiServiceSchema,
  }),
  setApiDeployments: endpoint({
    method: "PUT",
    path: "/projects/{projectId}/api-services/{serviceId}/endpoints/{endpointId}/deployments",
    tag,
    auth: "user",
    projectRole: "EDITOR",
    summary:
      "Set the versions an endpoint serves and their weights: deploy, roll back, or split traffic (A/B); applied atomically",
    params: apiEndpoint,
    body: SetDeploymentsBodySchema,
    output: ApiServiceSchema,
  }),
  createApiServiceKey: endpoint({
    method: "POST",
    path: "/projects/{projectId}/api-services/{serviceId}/keys",
    tag,
    auth: "user",
    projectRole: "EDITOR",
    status: 201,
    summary: "Create a key of the service; the key is in this response only",
    params: service,
    body: CreateServiceKeyBodySchema,
    output: ApiServiceKeyCreatedSchema,
  }),
  revokeApiServiceKey: endpoint({
    method: "DELETE",
    path: "/projects/{projectId}/api-services/{serviceId}/keys/{keyId}",
    tag,
    auth: "user",
    projectRole: "EDITOR",
    status: 204,
    summary: "Revoke a key; the API node refuses it within a second",
    params: key,
  }),
  getApiServiceMetrics: endpoint({
    method: "GET",
    path: "/projects/{projectId}/api-services/{serviceId}/metrics",
    tag,
    auth: "user",
    projectRole: "VIEWER",
    summary:
      "Requests, errors, per-version counts and latency per endpoint, summed over every API node process (Postgres minute rows), with a per-minute series of the last hour",
    params: service,
    output: ApiServiceMetricsSchema,
  }),
  getApiServiceTrainingRow: endpoint({
    method: "GET",
    path: "/projects/{projectId}/api-services/{serviceId}/training-row",
    tag,
    auth: "user",
    projectRole: "VIEWER",
    summary:
      "A row of the training dataset of the version an endpoint serves (its features only), for the test form",
    params: service,
    query: TrainingRowQuerySchema,
    output: TrainingRowSchema,
  }),
  testApiService: endpoint({
    method: "POST",
    path: "/projects/{projectId}/api-services/{serviceId}/test",
    tag,
    auth: "user",
    projectRole: "VIEWER",
    summary:
      "Call an endpoint of the service through the API node with one row; returns the node's status and answer",
    params: service,
    body: TestPredictBodySchema,
    output: TestPredictResultSchema,
  }),
  requestLogDataset: endpoint({
    method: "POST",
    path: "/projects/{projectId}/api-services/{serviceId}/endpoints/{endpointId}/request-log/dataset",
    tag,
    auth: "user",
    projectRole: "EDITOR",
    status: 201,
    summary:
      "Write an endpoint's sampled request log (the newest `rows`, 1,000,000 at most) as a dataset for monitoring: at, model_version, latency_ms, prediction, proba_<class> and one column per feature; a new dataset, or the next version of the one of that name",
    params: apiEndpoint,
    body: RequestLogDatasetBodySchema,
    output: ImportedDatasetSchema,
  }),
};
