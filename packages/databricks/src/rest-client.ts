import type { z } from "zod";
import { sleep } from "./abortable-sleep.ts";
import { DatabricksApiError, redact, safeMessageForStatus } from "./errors.ts";
import {
  type ClusterCreateSpec,
  type ClusterDetails,
  type ClusterEvent,
  clusterDetailsSchema,
  clusterEventsSchema,
  createClusterResponseSchema,
  dbfsStatusSchema,
  emptyResponseSchema,
  errorBodySchema,
  listClustersSchema,
  listNodeTypesSchema,
  listSparkVersionsSchema,
  type NodeType,
  type SparkVersion,
  scimMeSchema,
} from "./rest-schemas.ts";

export type DatabricksRestClientOptions = {
  /** Workspace URL, e.g. https://adb-123.4.azuredatabricks.net */
  baseUrl: string;
  token: string;
  /** Injected for tests; defaults to the global fetch. */
  fetch?: typeof fetch;
  /**
   * Transient failures (429, 503, 502/504, network) are retried with exponential backoff.
   * Default 4 attempts in all, 1 s doubling; tests pass small delays.
   */
  retry?: { attempts?: number; initialDelayMs?: number; maxDelayMs?: number };
};

export type DatabricksRestClient = {
  listClusters(): Promise<ClusterDetails[]>;
  getCluster(id: string): Promise<ClusterDetails>;
  createCluster(spec: ClusterCreateSpec): Promise<{ cluster_id: string }>;
  startCluster(id: string): Promise<void>;
  /** clusters/delete: terminates the cluster (it can be started again). */
  terminateCluster(id: string): Promise<void>;
  /** clusters/edit: the full spec; only in RUNNING (restarts it) or TERMINATED. */
  editCluster(id: string, spec: ClusterCreateSpec): Promise<void>;
  /** clusters/events, newest first. */
  clusterEvents(id: string, o?: { limit?: number }): Promise<ClusterEvent[]>;
  /** SCIM Me: who the token belongs to (the token check of "test connection"). */
  currentUser(): Promise<{ userName?: string }>;
  /** DBFS get-status of a path like /mnt/sous/x; undefined when it does not exist. */
  dbfsStatus(path: string): Promise<{ path: string; is_dir?: boolean; file_size?: number } | undefined>;
  /** Files API read of a (small, probe) file under /Volumes/c/s/v/...: whether it exists. */
  fileExists(path: string): Promise<boolean>;
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
  const attempts = opts.retry?.attempts ?? 4;
  const maxDelay = opts.retry?.maxDelayMs ?? 30_000;

  // Every call Sous makes is safe to repeat: reads, start/delete/edit of a known cluster, and
  // create after a 429/503 (the request was refused, nothing was created).
  async function call<S extends z.ZodType>(
    method: "GET" | "POST",
    endpoint: string,
    schema: S,
    body?: unknown,
    signal?: AbortSignal,
  ): Promise<z.infer<S>> {
    let delay = opts.retry?.initialDelayMs ?? 1_000;
    for (let attempt = 1; ; attempt++) {
      try {
        return await callOnce(method, endpoint, schema, body);
      } catch (e) {
        if (!(e instanceof DatabricksApiError) || !isTransient(e.status) || attempt >= attempts) throw e;
        await sleep(Math.min(delay, maxDelay), signal);
        delay *= 2;
      }
    }
  }

  async function callOnce<S extends z.ZodType>(
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
    async editCluster(id, spec) {
      await call("POST", "clusters/edit", emptyResponseSchema, { ...spec, cluster_id: id });
    },
    async clusterEvents(id, o = {}) {
      const body = { cluster_id: id, order: "DESC", limit: o.limit ?? 50 };
      return (await call("POST", "clusters/events", clusterEventsSchema, body)).events;
    },
    async currentUser() {
      const me = await call("GET", "preview/scim/v2/Me", scimMeSchema);
      return me.userName === undefined ? {} : { userName: me.userName };
    },
    async dbfsStatus(path) {
      try {
        return await call("GET", `dbfs/get-status?path=${encodeURIComponent(path)}`, dbfsStatusSchema);
      } catch (e) {
        if (e instanceof DatabricksApiError && e.errorCode === "RESOURCE_DOES_NOT_EXIST") return undefined;
        throw e;
      }
    },
    async fileExists(path) {
      try {
        await call(
          "GET",
          `fs/files${path.split("/").map(encodeURIComponent).join("/")}`,
          emptyResponseSchema,
        );
        return true;
      } catch (e) {
        if (e instanceof DatabricksApiError && e.status === 404) return false;
        throw e;
      }
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

// 0 = network failure; 429 throttling; 502/503/504 a gateway or a workspace that is waking up.
function isTransient(status: number): boolean {
  return status === 0 || status === 429 || status === 502 || status === 503 || status === 504;
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
