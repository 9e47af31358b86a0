import type { z } from "zod";
import { sleep } from "./abortable-sleep.ts";
import { DatabricksApiError, redact, safeMessageForStatus } from "./errors.ts";
import {
  type ClusterCreateSpec,
  type ClusterDetails,
  clusterDetailsSchema,
  createClusterResponseSchema,
  emptyResponseSchema,
  errorBodySchema,
  listClustersSchema,
  listNodeTypesSchema,
  listSparkVersionsSchema,
  type NodeType,
  type SparkVersion,
} from "./rest-schemas.ts";

export type DatabricksRestClientOptions = {
  /** Workspace URL, e.g. https://adb-123.4.azuredatabricks.net */
  baseUrl: string;
  token: string;
  /** Injected for tests; defaults to the global fetch. */
  fetch?: typeof fetch;
};

export type DatabricksRestClient = {
  listClusters(): Promise<ClusterDetails[]>;
  getCluster(id: string): Promise<ClusterDetails>;
  createCluster(spec: ClusterCreateSpec): Promise<{ cluster_id: string }>;
  startCluster(id: string): Promise<void>;
  /** clusters/delete: terminates the cluster (it can be started again). */
  terminateCluster(id: string): Promise<void>;
  listSparkVersions(): Promise<SparkVersion[]>;
  listNodeTypes(): Promise<NodeType[]>;
  /** Polls clusters/get until RUNNING; fails fast on TERMINATED/ERROR or after `timeoutMs`. */
  waitForClusterRunning(
    id: string,
    o?: { timeoutMs?: number; pollMs?: number; signal?: AbortSignal },
  ): Promise<ClusterDetails>;
};

export function createDatabricksRestClient(opts: DatabricksRestClientOptions): DatabricksRestClient {
  const base = opts.baseUrl.replace(/\/+$/, "");
  const doFetch = opts.fetch ?? fetch;

  async function call<S extends z.ZodType>(
    method: "GET" | "POST",
    endpoint: string,
    schema: S,
    body?: unknown,
  ): Promise<z.infer<S>> {
    let res: Response;
    try {
      res = await doFetch(`${base}/api/2.0/${endpoint}`, {
        method,
        headers: {
          Authorization: `Bearer ${opts.token}`,
          ...(body === undefined ? {} : { "Content-Type": "application/json" }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      throw new DatabricksApiError(
        redact(`Could not reach the Databricks workspace at ${base}: ${reason}`, opts.token),
        0,
        "NETWORK_ERROR",
      );
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = text.length > 0 ? JSON.parse(text) : {};
    } catch {
      json = undefined;
    }
    if (!res.ok) throw apiError(res.status, json, endpoint, opts.token);
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new DatabricksApiError(
        `Databricks returned an unexpected response for ${endpoint}`,
        res.status,
        "INVALID_RESPONSE",
      );
    }
    return parsed.data;
  }

  const client: DatabricksRestClient = {
    async listClusters() {
      return (await call("GET", "clusters/list", listClustersSchema)).clusters;
    },
    async getCluster(id) {
      return call("GET", `clusters/get?cluster_id=${encodeURIComponent(id)}`, clusterDetailsSchema);
    },
    async createCluster(spec) {
      const { cluster_id } = await call("POST", "clusters/create", createClusterResponseSchema, spec);
      return { cluster_id };
    },
    async startCluster(id) {
      await call("POST", "clusters/start", emptyResponseSchema, { cluster_id: id });
    },
    async terminateCluster(id) {
      await call("POST", "clusters/delete", emptyResponseSchema, { cluster_id: id });
    },
    async listSparkVersions() {
      return (await call("GET", "clusters/spark-versions", listSparkVersionsSchema)).versions;
    },
    async listNodeTypes() {
      return (await call("GET", "clusters/list-node-types", listNodeTypesSchema)).node_types;
    },
    async waitForClusterRunning(id, o = {}) {
      const deadline = Date.now() + (o.timeoutMs ?? 20 * 60_000);
      const pollMs = o.pollMs ?? 5_000;
      for (;;) {
        o.signal?.throwIfAborted();
        const cluster = await client.getCluster(id);
        if (cluster.state === "RUNNING") return cluster;
        if (cluster.state === "TERMINATED" || cluster.state === "ERROR") {
          throw new DatabricksApiError(
            `Cluster ${id} is ${cluster.state}${cluster.state_message ? `: ${cluster.state_message}` : ""}`,
            200,
            "INVALID_STATE",
          );
        }
        if (Date.now() + pollMs > deadline) {
          throw new DatabricksApiError(`Cluster ${id} did not reach RUNNING in time`, 200, "TIMEOUT");
        }
        await sleep(pollMs, o.signal);
      }
    },
  };
  return client;
}

function apiError(status: number, json: unknown, endpoint: string, token: string): DatabricksApiError {
  const body = errorBodySchema.safeParse(json);
  const errorCode = (body.success ? body.data.error_code : undefined) ?? `HTTP_${status}`;
  const safe = safeMessageForStatus(status);
  if (safe) return new DatabricksApiError(safe, status, errorCode);
  const detail = body.success && body.data.message ? `: ${body.data.message}` : "";
  return new DatabricksApiError(
    redact(`Databricks rejected ${endpoint.split("?")[0]} (HTTP ${status} ${errorCode})${detail}`, token),
    status,
    errorCode,
  );
}
