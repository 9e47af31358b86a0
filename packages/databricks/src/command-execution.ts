// Interactive code on a classic cluster through the Command Execution API 1.2: an execution
// context (a Python REPL with `spark`, its state kept between commands) and commands in python
// or sql, polled until done, with their output typed (text, table, image, error). What a Python
// notebook "attached to a cluster" runs its cells through; `attachToCluster` adds the recipes'
// cluster lifecycle (reuse, start, wait, with progress through `log`).
import { sleep } from "./abortable-sleep.ts";
import type { ClusterLoad } from "./cluster-load.ts";
import { type ComputeProfileRef, ensureCluster, type JobLogFn } from "./ensure-cluster.ts";
import { DatabricksApiError } from "./errors.ts";
import type { DatabricksRestClient } from "./rest-client.ts";
import type { CommandLanguage, CommandResults } from "./rest-schemas.ts";

export type CommandOutput =
  | { kind: "text"; text: string }
  | {
      kind: "table";
      /** `type` as the API gives it: Spark's JSON form (`"long"`, `{"type":"array",...}`) when `isJsonSchema`. */
      columns: { name: string; type: string }[];
      rows: unknown[][];
      /** More rows existed than the cluster returned (Databricks returns the first 1000). */
      truncated: boolean;
    }
  | { kind: "image"; fileNames: string[] }
  /** The command ran and failed: `summary` is the exception's one line, `cause` its trace. */
  | { kind: "error"; summary: string; cause: string; output?: string }
  | { kind: "cancelled" };

export type PollOptions = { initialMs?: number; maxMs?: number; timeoutMs?: number };

export type ExecutionContext = {
  clusterId: string;
  contextId: string;
  /** Runs one command and waits for its output; aborting cancels it on the cluster. */
  run(
    command: string,
    o?: {
      language?: CommandLanguage;
      signal?: AbortSignal;
      onStatus?: (status: string) => void;
      poll?: PollOptions;
    },
  ): Promise<CommandOutput>;
  /** contexts/destroy (the namespace and its state go); never throws. */
  destroy(): Promise<void>;
};

/** A Spark type as the table schema carries it, readable: `"long"` -> `long`. */
export function typeOfSchemaField(type: string, isJsonSchema: boolean | undefined): string {
  if (!isJsonSchema) return type;
  try {
    const parsed: unknown = JSON.parse(type);
    return typeof parsed === "string" ? parsed : JSON.stringify(parsed);
  } catch {
    return type;
  }
}

/** The API's `results` as a typed output. */
export function commandOutputOf(results: CommandResults | null | undefined): CommandOutput {
  if (!results || results.resultType === undefined) return { kind: "text", text: "" };
  switch (results.resultType) {
    case "text":
      return {
        kind: "text",
        text: typeof results.data === "string" ? results.data : String(results.data ?? ""),
      };
    case "table":
      return {
        kind: "table",
        columns: (results.schema ?? []).map((c) => ({
          name: c.name,
          type: typeOfSchemaField(c.type, results.isJsonSchema),
        })),
        rows: Array.isArray(results.data) ? (results.data as unknown[][]) : [],
        truncated: results.truncated ?? false,
      };
    case "image":
    case "images":
      return {
        kind: "image",
        fileNames: results.fileNames ?? (results.fileName ? [results.fileName] : []),
      };
    case "error":
      return {
        kind: "error",
        summary: results.summary ?? "The command failed",
        cause: results.cause ?? results.summary ?? "",
        ...(typeof results.data === "string" && results.data ? { output: results.data } : {}),
      };
  }
}

const delays = (p: PollOptions = {}) => {
  let delay = p.initialMs ?? 100;
  const max = p.maxMs ?? 1_000;
  return () => {
    const d = delay;
    delay = Math.min(delay * 2, max);
    return d;
  };
};

/**
 * Creates a context on a RUNNING cluster and waits until it is Running. The context is
 * destroyed when the wait fails or is aborted.
 */
export async function openExecutionContext(o: {
  rest: DatabricksRestClient;
  clusterId: string;
  language?: CommandLanguage;
  signal?: AbortSignal;
  poll?: PollOptions;
}): Promise<ExecutionContext> {
  const { rest, clusterId, signal } = o;
  const call = signal ? { signal } : {};
  const { id: contextId } = await rest.createContext(clusterId, o.language ?? "python", call);
  const destroy = () => rest.destroyContext(clusterId, contextId).catch(() => undefined);
  try {
    const next = delays(o.poll);
    const deadline = Date.now() + (o.poll?.timeoutMs ?? 5 * 60_000);
    for (;;) {
      const s = await rest.contextStatus(clusterId, contextId, call);
      if (s.status === "Running") break;
      if (s.status === "Error")
        throw new DatabricksApiError(
          `The execution context on cluster ${clusterId} failed to start${typeof s.error === "string" ? `: ${s.error}` : ""}`,
          200,
          "CONTEXT_ERROR",
        );
      if (Date.now() > deadline)
        throw new DatabricksApiError(
          `The execution context on cluster ${clusterId} was not ready in time`,
          200,
          "CONTEXT_TIMEOUT",
        );
      await sleep(next(), signal);
    }
  } catch (e) {
    await destroy();
    throw e;
  }

  return {
    clusterId,
    contextId,
    async run(command, ro = {}) {
      const language = ro.language ?? o.language ?? "python";
      const rs = ro.signal;
      const ref = (commandId: string) => ({ clusterId, contextId, commandId });
      const { id } = await rest.executeCommand(
        { clusterId, contextId, language, command },
        rs ? { signal: rs } : {},
      );
      const next = delays(ro.poll);
      const deadline = Date.now() + (ro.poll?.timeoutMs ?? 60 * 60_000);
      let last = "";
      try {
        for (;;) {
          const s = await rest.commandStatus(ref(id), rs ? { signal: rs } : {});
          if (s.status !== last) ro.onStatus?.(s.status);
          last = s.status;
          if (s.status === "Cancelled") return { kind: "cancelled" };
          if (s.status === "Finished") return commandOutputOf(s.results);
          if (s.status === "Error") {
            const out = commandOutputOf(s.results);
            return out.kind === "error" ? out : { kind: "error", summary: "The command failed", cause: "" };
          }
          if (Date.now() > deadline)
            throw new DatabricksApiError(`The command did not finish in time`, 200, "COMMAND_TIMEOUT");
          await sleep(next(), rs);
        }
      } catch (e) {
        if (rs?.aborted) {
          // The cluster stops the command too: a cancelled cell must not go on running there.
          await rest.cancelCommand(ref(id)).catch(() => undefined);
          throw rs.reason;
        }
        throw e;
      }
    },
    destroy: async () => {
      await destroy();
    },
  };
}

/**
 * A context on a cluster of the compute profile, with the recipes' lifecycle: a running cluster
 * is reused, a terminated one started, a new one created, waiting with progress in `log`. The
 * cluster slot stays taken until `detach()` (which also destroys the context).
 */
export async function attachToCluster(o: {
  rest: DatabricksRestClient;
  profile: ComputeProfileRef;
  load: ClusterLoad;
  log: JobLogFn;
  language?: CommandLanguage;
  signal?: AbortSignal;
  poll?: { cluster?: PollOptions; context?: PollOptions };
}): Promise<ExecutionContext & { action: "reused" | "started" | "created"; detach(): Promise<void> }> {
  const lease = await ensureCluster({
    rest: o.rest,
    profile: o.profile,
    load: o.load,
    log: o.log,
    ...(o.signal ? { signal: o.signal } : {}),
    ...(o.poll?.cluster ? { poll: o.poll.cluster } : {}),
  });
  try {
    await o.log("info", `Opening an execution context on cluster ${lease.clusterId}`);
    const context = await openExecutionContext({
      rest: o.rest,
      clusterId: lease.clusterId,
      ...(o.language ? { language: o.language } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
      ...(o.poll?.context ? { poll: o.poll.context } : {}),
    });
    let detached = false;
    return {
      ...context,
      action: lease.action,
      async detach() {
        if (detached) return;
        detached = true;
        try {
          await context.destroy();
        } finally {
          lease.release();
        }
      },
    };
  } catch (e) {
    lease.release();
    throw e;
  }
}
