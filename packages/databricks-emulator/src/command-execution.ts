// The Command Execution API 1.2 (contexts/create, contexts/status, contexts/destroy,
// commands/execute, commands/status, commands/cancel) on the cluster's real Spark: a context is
// a Spark session of its own (the cluster's settings) and a Python namespace in the Spark process
// with `spark` bound to it, kept between commands, as a notebook attached to a cluster has. Python
// commands print into their result and their last expression is shown; a DataFrame (the last
// expression, or `display(df)`) and a SQL command give a table result. SQL commands pass the same
// fence as the Thrift endpoint (statement-guard.ts); python commands run arbitrary code in the
// Spark process, as a Python task of the Jobs API does: the emulator is a test and demo double.
import { randomUUID } from "node:crypto";
import type { CommandResult } from "@sous/spark-local";
import { z } from "zod";
import type { ClusterRegistry } from "./clusters.ts";
import type { MountStore } from "./mount-store.ts";
import type { SparkEngine } from "./spark-engine.ts";
import { guardStatement } from "./statement-guard.ts";

export type CommandsResponse = { status: number; body: unknown };

/** What Databricks allows per cluster (research §3). */
const MAX_CONTEXTS_PER_CLUSTER = 150;
/** Rows of a table result; more are cut and `truncated` says so, as on Databricks. */
const TABLE_RESULT_MAX_ROWS = 1000;

type ContextStatus = "Pending" | "Running" | "Error";
type CommandStatus = "Queued" | "Running" | "Cancelling" | "Cancelled" | "Finished" | "Error";

type Command = {
  id: string;
  status: CommandStatus;
  tag: string;
  results?: Record<string, unknown>;
  done?: Promise<void>;
};

type Context = {
  id: string;
  clusterId: string;
  language: string;
  status: ContextStatus;
  /** The Spark session, once opened. */
  session?: string;
  opened: Promise<void>;
  error?: string;
  commands: Map<string, Command>;
  /** Commands run one after the other in a context. */
  queue: Promise<void>;
};

const error = (status: number, error_code: string, message: string): CommandsResponse => ({
  status,
  body: { error_code, message },
});

const LANGUAGES = ["python", "sql", "scala", "r"] as const;
const RUNNABLE = new Set(["python", "sql"]);

const createSchema = z.object({ clusterId: z.string().min(1), language: z.enum(LANGUAGES) });
const contextRefSchema = z.object({ clusterId: z.string().min(1), contextId: z.string().min(1) });
const executeSchema = contextRefSchema.extend({
  language: z.enum(LANGUAGES),
  command: z.string().max(10_000_000),
});
const commandRefSchema = contextRefSchema.extend({ commandId: z.string().min(1) });

const issues = (e: z.ZodError) =>
  e.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ");

export type CommandsDeps = { clusters: ClusterRegistry; engine: SparkEngine; mounts: MountStore };

export class CommandExecution {
  private readonly contexts = new Map<string, Context>();

  constructor(private readonly deps: CommandsDeps) {}

  /** Handles `<method> <path after /api/1.2/>`. */
  async handle(method: string, route: string, url: URL, body: unknown): Promise<CommandsResponse> {
    const query = Object.fromEntries(url.searchParams);
    switch (`${method} ${route}`) {
      case "POST contexts/create": {
        const p = createSchema.safeParse(body);
        return p.success ? this.create(p.data.clusterId, p.data.language) : invalid(p.error);
      }
      case "GET contexts/status": {
        const p = contextRefSchema.safeParse(query);
        if (!p.success) return invalid(p.error);
        const c = this.find(p.data);
        if (!c) return contextNotFound(p.data.contextId);
        return {
          status: 200,
          body: { id: c.id, status: c.status, ...(c.error ? { error: c.error } : {}) },
        };
      }
      case "POST contexts/destroy": {
        const p = contextRefSchema.safeParse(body);
        if (!p.success) return invalid(p.error);
        const c = this.find(p.data);
        if (!c) return contextNotFound(p.data.contextId);
        await this.destroy(c);
        return { status: 200, body: { id: c.id } };
      }
      case "POST commands/execute": {
        const p = executeSchema.safeParse(body);
        return p.success ? this.execute(p.data) : invalid(p.error);
      }
      case "GET commands/status": {
        const p = commandRefSchema.safeParse(query);
        if (!p.success) return invalid(p.error);
        const cmd = this.find(p.data)?.commands.get(p.data.commandId);
        if (!cmd) return commandNotFound(p.data.commandId);
        return {
          status: 200,
          body: { id: cmd.id, status: cmd.status, results: cmd.results ?? null },
        };
      }
      case "POST commands/cancel": {
        const p = commandRefSchema.safeParse(body);
        if (!p.success) return invalid(p.error);
        const cmd = this.find(p.data)?.commands.get(p.data.commandId);
        if (!cmd) return commandNotFound(p.data.commandId);
        this.cancel(cmd);
        return { status: 200, body: { id: cmd.id } };
      }
      default:
        return error(404, "ENDPOINT_NOT_FOUND", `No API found for '${method} /api/1.2/${route}'`);
    }
  }

  /** A cluster that stops (terminate, restart) loses its contexts, as on Databricks. */
  clusterStopped(clusterId: string): void {
    for (const c of this.contexts.values())
      if (c.clusterId === clusterId) {
        for (const cmd of c.commands.values()) this.cancel(cmd);
        c.status = "Error";
        c.error = `The cluster ${clusterId} was terminated or restarted: create a new context.`;
        this.contexts.delete(c.id);
        if (c.session) void this.deps.engine.closeContext(c.id, c.session);
      }
  }

  stop(): void {
    for (const c of this.contexts.values()) for (const cmd of c.commands.values()) this.cancel(cmd);
  }

  private find(ref: { clusterId: string; contextId: string }): Context | undefined {
    const c = this.contexts.get(ref.contextId);
    return c && c.clusterId === ref.clusterId ? c : undefined;
  }

  private create(clusterId: string, language: string): CommandsResponse {
    const { clusters, engine } = this.deps;
    if (!clusters.has(clusterId))
      return error(400, "INVALID_PARAMETER_VALUE", `Cluster ${clusterId} does not exist`);
    const state = clusters.state(clusterId);
    if (state !== "RUNNING")
      return error(
        400,
        "INVALID_STATE",
        `Cluster ${clusterId} is in unexpected state ${state}: execution contexts need a running cluster.`,
      );
    if (
      [...this.contexts.values()].filter((c) => c.clusterId === clusterId).length >= MAX_CONTEXTS_PER_CLUSTER
    )
      return error(
        400,
        "RESOURCE_EXHAUSTED",
        `Too many execution contexts are open on cluster ${clusterId} (at most ${MAX_CONTEXTS_PER_CLUSTER}): destroy unused ones.`,
      );
    const id = randomUUID().replaceAll("-", "").slice(0, 19).replace(/^./, "1");
    const context: Context = {
      id,
      clusterId,
      language,
      status: "Pending",
      commands: new Map(),
      queue: Promise.resolve(),
      opened: Promise.resolve(),
    };
    context.opened = engine.openContext(id, clusters.spec(clusterId)?.spark_conf ?? {}).then(
      (session) => {
        context.session = session;
        if (context.status === "Pending") context.status = "Running";
        else void engine.closeContext(id, session); // destroyed while opening
      },
      (e: unknown) => {
        context.status = "Error";
        context.error = e instanceof Error ? e.message : String(e);
      },
    );
    this.contexts.set(id, context);
    return { status: 200, body: { id } };
  }

  private async destroy(c: Context): Promise<void> {
    this.contexts.delete(c.id);
    for (const cmd of c.commands.values()) this.cancel(cmd);
    const wasPending = c.status === "Pending";
    c.status = "Error";
    c.error = "The context was destroyed.";
    if (!wasPending && c.session) await this.deps.engine.closeContext(c.id, c.session);
  }

  private execute(req: z.infer<typeof executeSchema>): CommandsResponse {
    const c = this.find(req);
    if (!c) return contextNotFound(req.contextId);
    if (!RUNNABLE.has(req.language))
      return error(
        400,
        "INVALID_PARAMETER_VALUE",
        `The emulator runs python and sql commands only, not ${req.language}.`,
      );
    if (c.status !== "Running")
      return error(400, "INVALID_STATE", `Context ${c.id} is ${c.status}: wait until it is Running.`);
    const cmd: Command = {
      id: randomUUID().replaceAll("-", ""),
      status: "Queued",
      tag: `cmd-${randomUUID()}`,
    };
    c.commands.set(cmd.id, cmd);
    const run = c.queue.then(() => this.runCommand(c, cmd, req.language as "python" | "sql", req.command));
    cmd.done = run;
    c.queue = run;
    return { status: 200, body: { id: cmd.id } };
  }

  private async runCommand(c: Context, cmd: Command, language: "python" | "sql", text: string) {
    if (cmd.status !== "Queued") return; // cancelled while queued
    const { clusters, engine, mounts } = this.deps;
    cmd.status = "Running";
    clusters.statementStarted(c.clusterId);
    try {
      let result: CommandResult;
      if (language === "sql") {
        const guarded = guardStatement(text, mounts.table);
        if (!guarded.ok) {
          result = { ok: false, errorClass: "AnalysisException", message: guarded.message };
        } else {
          await mounts.beforeRead(guarded.reads);
          result = await engine.command(c.id, "sql", guarded.sql, {
            tag: cmd.tag,
            maxRows: TABLE_RESULT_MAX_ROWS,
          });
          if (guarded.overwriteDirectory && result.ok) await mounts.afterWrite(guarded.overwriteDirectory);
        }
      } else {
        const since = await mounts.beforeRun();
        result = await engine.command(c.id, "python", text, { tag: cmd.tag, maxRows: TABLE_RESULT_MAX_ROWS });
        await mounts.afterRun(since);
      }
      // cancel() may have changed the status meanwhile.
      if (
        (cmd.status as CommandStatus) === "Cancelling" ||
        (!result.ok && result.errorClass === "CANCELLED")
      ) {
        cmd.status = "Cancelled";
        cmd.results = {
          resultType: "error",
          summary: "CommandCancelledException: the command was cancelled",
        };
        return;
      }
      cmd.status = "Finished";
      cmd.results = shapeResults(result);
    } catch (e) {
      cmd.status = "Error";
      cmd.results = { resultType: "error", summary: e instanceof Error ? e.message : String(e) };
    } finally {
      clusters.statementEnded(c.clusterId);
    }
  }

  private cancel(cmd: Command): void {
    if (cmd.status === "Queued") {
      cmd.status = "Cancelled";
      cmd.results = { resultType: "error", summary: "CommandCancelledException: the command was cancelled" };
    } else if (cmd.status === "Running") {
      cmd.status = "Cancelling";
      if (cmd.done) this.deps.engine.cancelUntil(cmd.tag, cmd.done);
    }
  }
}

/** The API's `results`: a failed command is Finished with an error result (summary and cause). */
function shapeResults(r: CommandResult): Record<string, unknown> {
  if (!r.ok)
    return {
      resultType: "error",
      summary: `${r.errorClass}: ${r.message}`,
      cause: r.trace ?? r.message,
      ...(r.logs ? { data: r.logs } : {}),
    };
  if (r.resultType === "text") return { resultType: "text", data: r.data };
  return {
    resultType: "table",
    data: r.rows,
    schema: r.columns.map((c) => ({ name: c.name, type: c.json, metadata: "{}" })),
    truncated: r.truncated,
    isJsonSchema: true,
  };
}

function invalid(e: z.ZodError): CommandsResponse {
  return error(400, "INVALID_PARAMETER_VALUE", issues(e));
}

function contextNotFound(id: string): CommandsResponse {
  return error(
    404,
    "RESOURCE_DOES_NOT_EXIST",
    `ContextNotFound: context ${id} does not exist on this cluster`,
  );
}

function commandNotFound(id: string): CommandsResponse {
  return error(
    404,
    "RESOURCE_DOES_NOT_EXIST",
    `CommandNotFound: command ${id} does not exist in this context`,
  );
}
