import { z } from "zod";
import { anySignal, sleep } from "./abortable-sleep.ts";
import { DatabricksApiError, redact, safeMessageForStatus } from "./errors.ts";
import { httpRequestText, type TextResponse, TransportError, transportFailureOf } from "./http-transport.ts";
import {
  type ClusterCreateSpec,
  type ClusterDetails,
  type ClusterEvent,
  type CommandLanguage,
  type CommandStatus,
  type ContextStatus,
  clusterDetailsSchema,
  clusterEventsSchema,
  commandStatusSchema,
  contextStatusSchema,
  createClusterResponseSchema,
  dbfsStatusSchema,
  emptyResponseSchema,
  errorBodySchema,
  idResponseSchema,
  type JobRun,
  type JobRunOutput,
  jobRunOutputSchema,
  jobRunSchema,
  listClustersSchema,
  listNodeTypesSchema,
  listSparkVersionsSchema,
  type NodeType,
  type SparkVersion,
  type SubmitRunRequest,
  scimMeSchema,
  submitRunResponseSchema,
} from "./rest-schemas.ts";
import { withBackoff } from "./retry.ts";
import { type DatabricksTimeouts, noAnswerMessage, resolveTimeouts, unreachableMessage } from "./timeouts.ts";

export type DatabricksRestClientOptions = {
  /** Workspace URL, e.g. https://adb-123.4.azuredatabricks.net */
  baseUrl: string;
  token: string;
  /**
   * Injected for tests; by default node:http(s) with the connect and read timeouts below. An
   * injected fetch gets both timeouts as one deadline through its signal.
   */
  fetch?: typeof fetch;
  /**
   * Transient failures (429, 503, 502/504, a connection broken mid-way) are retried with
   * exponential backoff, jittered 1-2x. Default 4 attempts in all, 1 s doubling; tests pass small delays. An
   * unreachable workspace (refused, unknown host, no connection in time) and one that did not
   * answer within the read timeout are reported at once: retrying would only multiply the wait.
   */
  retry?: { attempts?: number; initialDelayMs?: number; maxDelayMs?: number };
  /** Connect and read timeouts of every call (defaults 10 s and 30 s). */
  timeouts?: DatabricksTimeouts;
  /** Aborts every call of this client (a call's own signal is honoured as well). */
  signal?: AbortSignal;
};

/** Per call: the signal stops the call (and its retries) at once, rejecting with its reason. */
export type RestCallOptions = { signal?: AbortSignal };

export type DatabricksRestClient = {
  listClusters(o?: RestCallOptions): Promise<ClusterDetails[]>;
  getCluster(id: string, o?: RestCallOptions): Promise<ClusterDetails>;
  createCluster(spec: ClusterCreateSpec, o?: RestCallOptions): Promise<{ cluster_id: string }>;
  startCluster(id: string, o?: RestCallOptions): Promise<void>;
  /** clusters/delete: terminates the cluster (it can be started again). */
  terminateCluster(id: string, o?: RestCallOptions): Promise<void>;
  /** clusters/edit: the full spec; only in RUNNING (restarts it) or TERMINATED. */
  editCluster(id: string, spec: ClusterCreateSpec, o?: RestCallOptions): Promise<void>;
  /** clusters/events, newest first. */
  clusterEvents(id: string, o?: { limit?: number } & RestCallOptions): Promise<ClusterEvent[]>;
  /** SCIM Me: who the token belongs to (the token check of "test connection"). */
  currentUser(o?: RestCallOptions): Promise<{ userName?: string }>;
  /** DBFS get-status of a path like /mnt/sous/x; undefined when it does not exist. */
  dbfsStatus(
    path: string,
    o?: RestCallOptions,
  ): Promise<{ path: string; is_dir?: boolean; file_size?: number } | undefined>;
  /** Files API read of a (small, probe) file under /Volumes/c/s/v/...: whether it exists. */
  fileExists(path: string, o?: RestCallOptions): Promise<boolean>;
  listSparkVersions(o?: RestCallOptions): Promise<SparkVersion[]>;
  listNodeTypes(o?: RestCallOptions): Promise<NodeType[]>;
  /**
   * Jobs API 2.2 runs/submit: a one-time run. Pass an idempotency_token: a retried submit then
   * returns the same run instead of starting a second one.
   */
  submitRun(body: SubmitRunRequest, o?: RestCallOptions): Promise<{ run_id: number }>;
  /** runs/get of a run (its state and its tasks' run ids). */
  getRun(runId: number, o?: RestCallOptions): Promise<JobRun>;
  /** runs/get-output of one task run: its logs, and error and trace when it failed. */
  getRunOutput(taskRunId: number, o?: RestCallOptions): Promise<JobRunOutput>;
  /** runs/cancel: asks the run to stop (it ends TERMINATED with result CANCELED). */
  cancelRun(runId: number, o?: RestCallOptions): Promise<void>;
  /** Command Execution 1.2 contexts/create: a context (Pending, then Running) on a running cluster. */
  createContext(clusterId: string, language: CommandLanguage, o?: RestCallOptions): Promise<{ id: string }>;
  contextStatus(clusterId: string, contextId: string, o?: RestCallOptions): Promise<ContextStatus>;
  destroyContext(clusterId: string, contextId: string, o?: RestCallOptions): Promise<void>;
  /** commands/execute: queues a command in the context; its id for commandStatus. */
  executeCommand(
    c: { clusterId: string; contextId: string; language: CommandLanguage; command: string },
    o?: RestCallOptions,
  ): Promise<{ id: string }>;
  commandStatus(
    c: { clusterId: string; contextId: string; commandId: string },
    o?: RestCallOptions,
  ): Promise<CommandStatus>;
  cancelCommand(
    c: { clusterId: string; contextId: string; commandId: string },
    o?: RestCallOptions,
  ): Promise<void>;
  /** Polls clusters/get until RUNNING; fails fast on TERMINATED/ERROR or after `timeoutMs`. */
  waitForClusterRunning(
    id: string,
    o?: { timeoutMs?: number; pollMs?: number; signal?: AbortSignal },
  ): Promise<ClusterDetails>;
};

export function createDatabricksRestClient(opts: DatabricksRestClientOptions): DatabricksRestClient {
  const base = opts.baseUrl.replace(/\/+$/, "");
  const attempts = opts.retry?.attempts ?? 4;
  const maxDelay = opts.retry?.maxDelayMs ?? 30_000;
  const { connectMs, readMs } = resolveTimeouts(opts.timeouts);

  // Every call Sous makes is safe to repeat: reads, start/delete/edit of a known cluster, and
  // create after a 429/503 (the request was refused, nothing was created).
  async function call<S extends z.ZodType>(
    method: "GET" | "POST",
    endpoint: string,
    schema: S,
    body?: unknown,
    callSignal?: AbortSignal,
    api = "2.0",
  ): Promise<z.infer<S>> {
    const signal = anySignal(opts.signal, callSignal);
    return withBackoff(() => callOnce(method, endpoint, schema, body, signal, api), {
      attempts,
      initialDelayMs: opts.retry?.initialDelayMs ?? 1_000,
      maxDelayMs: maxDelay,
      isRetried: (e) => e instanceof DatabricksApiError && isRetried(e),
      signal,
    });
  }

  async function send(
    url: string,
    init: { method: string; headers: Record<string, string>; body?: string },
    signal: AbortSignal | undefined,
  ): Promise<TextResponse> {
    if (!opts.fetch)
      return httpRequestText(url, { ...init, connectMs, readMs, ...(signal ? { signal } : {}) });
    // An injected fetch has no connect phase to time: both timeouts make one deadline.
    const deadline = AbortSignal.timeout(connectMs + readMs);
    try {
      const res = await opts.fetch(url, { ...init, signal: anySignal(deadline, signal) });
      return { status: res.status, text: await res.text() };
    } catch (e) {
      if (deadline.aborted && !signal?.aborted) throw new TransportError("no answer in time", "timeout");
      throw e;
    }
  }

  async function callOnce<S extends z.ZodType>(
    method: "GET" | "POST",
    endpoint: string,
    schema: S,
    body: unknown,
    signal: AbortSignal | undefined,
    api: string,
  ): Promise<z.infer<S>> {
    let res: TextResponse;
    try {
      res = await send(
        `${base}/api/${api}/${endpoint}`,
        {
          method,
          headers: {
            Authorization: `Bearer ${opts.token}`,
            ...(body === undefined ? {} : { "Content-Type": "application/json" }),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        },
        signal,
      );
    } catch (e) {
      if (signal?.aborted) throw signal.reason;
      throw networkError(e);
    }
    const { text } = res;
    let json: unknown;
    try {
      json = text.length > 0 ? JSON.parse(text) : {};
    } catch {
      json = undefined;
    }
    if (res.status < 200 || res.status > 299) throw apiError(res.status, json, endpoint, opts.token);
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

  function networkError(e: unknown): DatabricksApiError {
    const failure = transportFailureOf(e);
    if (failure?.kind === "unreachable")
      return new DatabricksApiError(
        redact(unreachableMessage(base, failure.reason), opts.token),
        0,
        "WORKSPACE_UNREACHABLE",
      );
    if (failure?.kind === "timeout")
      return new DatabricksApiError(
        redact(noAnswerMessage(base, readMs), opts.token),
        0,
        "WORKSPACE_TIMEOUT",
      );
    const reason = e instanceof Error ? e.message : String(e);
    return new DatabricksApiError(
      redact(`Could not reach the Databricks workspace at ${base}: ${reason}`, opts.token),
      0,
      "NETWORK_ERROR",
    );
  }

  const signalOf = (o: RestCallOptions | undefined) => o?.signal;

  const client: DatabricksRestClient = {
    async listClusters(o) {
      return (await call("GET", "clusters/list", listClustersSchema, undefined, signalOf(o))).clusters;
    },
    async getCluster(id, o) {
      return call(
        "GET",
        `clusters/get?cluster_id=${encodeURIComponent(id)}`,
        clusterDetailsSchema,
        undefined,
        signalOf(o),
      );
    },
    async createCluster(spec, o) {
      const { cluster_id } = await call(
        "POST",
        "clusters/create",
        createClusterResponseSchema,
        spec,
        signalOf(o),
      );
      return { cluster_id };
    },
    async startCluster(id, o) {
      await call("POST", "clusters/start", emptyResponseSchema, { cluster_id: id }, signalOf(o));
    },
    async terminateCluster(id, o) {
      await call("POST", "clusters/delete", emptyResponseSchema, { cluster_id: id }, signalOf(o));
    },
    async editCluster(id, spec, o) {
      await call("POST", "clusters/edit", emptyResponseSchema, { ...spec, cluster_id: id }, signalOf(o));
    },
    async clusterEvents(id, o = {}) {
      const body = { cluster_id: id, order: "DESC", limit: o.limit ?? 50 };
      return (await call("POST", "clusters/events", clusterEventsSchema, body, o.signal)).events;
    },
    async currentUser(o) {
      const me = await call("GET", "preview/scim/v2/Me", scimMeSchema, undefined, signalOf(o));
      return me.userName === undefined ? {} : { userName: me.userName };
    },
    async dbfsStatus(path, o) {
      try {
        return await call(
          "GET",
          `dbfs/get-status?path=${encodeURIComponent(path)}`,
          dbfsStatusSchema,
          undefined,
          signalOf(o),
        );
      } catch (e) {
        if (e instanceof DatabricksApiError && e.errorCode === "RESOURCE_DOES_NOT_EXIST") return undefined;
        throw e;
      }
    },
    async fileExists(path, o) {
      try {
        await call(
          "GET",
          `fs/files${path.split("/").map(encodeURIComponent).join("/")}`,
          emptyResponseSchema,
          undefined,
          signalOf(o),
        );
        return true;
      } catch (e) {
        if (e instanceof DatabricksApiError && e.status === 404) return false;
        throw e;
      }
    },
    async listSparkVersions(o) {
      return (await call("GET", "clusters/spark-versions", listSparkVersionsSchema, undefined, signalOf(o)))
        .versions;
    },
    async listNodeTypes(o) {
      return (await call("GET", "clusters/list-node-types", listNodeTypesSchema, undefined, signalOf(o)))
        .node_types;
    },
    async submitRun(body, o) {
      // Safe to retry only with a token: a lost answer would otherwise start a second run.
      const { run_id } = await call(
        "POST",
        "jobs/runs/submit",
        submitRunResponseSchema,
        body,
        signalOf(o),
        "2.2",
      );
      return { run_id };
    },
    async getRun(runId, o) {
      return call("GET", `jobs/runs/get?run_id=${runId}`, jobRunSchema, undefined, signalOf(o), "2.2");
    },
    async getRunOutput(taskRunId, o) {
      return call(
        "GET",
        `jobs/runs/get-output?run_id=${taskRunId}`,
        jobRunOutputSchema,
        undefined,
        signalOf(o),
        "2.2",
      );
    },
    async cancelRun(runId, o) {
      await call("POST", "jobs/runs/cancel", emptyResponseSchema, { run_id: runId }, signalOf(o), "2.2");
    },
    async createContext(clusterId, language, o) {
      const { id } = await call(
        "POST",
        "contexts/create",
        idResponseSchema,
        { clusterId, language },
        signalOf(o),
        "1.2",
      );
      return { id };
    },
    async contextStatus(clusterId, contextId, o) {
      const q = new URLSearchParams({ clusterId, contextId });
      return call("GET", `contexts/status?${q}`, contextStatusSchema, undefined, signalOf(o), "1.2");
    },
    async destroyContext(clusterId, contextId, o) {
      await call("POST", "contexts/destroy", z.unknown(), { clusterId, contextId }, signalOf(o), "1.2");
    },
    async executeCommand(c, o) {
      const { id } = await call("POST", "commands/execute", idResponseSchema, c, signalOf(o), "1.2");
      return { id };
    },
    async commandStatus(c, o) {
      const q = new URLSearchParams(c);
      return call("GET", `commands/status?${q}`, commandStatusSchema, undefined, signalOf(o), "1.2");
    },
    async cancelCommand(c, o) {
      await call("POST", "commands/cancel", z.unknown(), c, signalOf(o), "1.2");
    },
    async waitForClusterRunning(id, o = {}) {
      const deadline = Date.now() + (o.timeoutMs ?? 20 * 60_000);
      const pollMs = o.pollMs ?? 5_000;
      for (;;) {
        o.signal?.throwIfAborted();
        const cluster = await client.getCluster(id, o.signal ? { signal: o.signal } : {});
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

// 429 throttling; 502/503/504 a gateway or a workspace that is waking up; a connection broken
// mid-way. Not an unreachable or silent workspace: see `retry` above.
function isRetried(e: DatabricksApiError): boolean {
  if (e.status === 0) return e.errorCode === "NETWORK_ERROR";
  return e.status === 429 || e.status === 502 || e.status === 503 || e.status === 504;
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
