import "server-only";
import { AppError } from "@sous/contracts";
import {
  attachToCluster,
  type CommandOutput,
  describeRemoteFailure,
  type ExecutionContext,
} from "@sous/databricks";
import { loadRemoteEngine } from "@sous/server-domain";
import type { ClusterAttachment } from "@/shared/api/python-notebook-cluster-endpoints.ts";
import type { CellOutputDto, ExecuteResultDto } from "@/shared/api/python-notebook-schemas.ts";
import { ctx } from "../context.ts";
import { env } from "../env.ts";
import { secretBox } from "./databricks-secrets.ts";
import { studioClusterLoad } from "./notebook-engine.ts";

// "Attach to cluster" for a Python notebook (issue #17): the caller's cells of the notebook run on
// a cluster of a Databricks compute profile, in an execution context of the Command Execution API
// (a Python REPL with `spark` bound, its state kept between cells), opened with the recipes'
// cluster lifecycle (reuse, start, wait) under the caller's token in per-user mode. Outputs come
// back as nbformat outputs, so the notebook renders them as a kernel's. Attachments live in this
// studio process, per user and notebook like kernels: a restart of the studio detaches them.

type Attachment = {
  context: ExecutionContext & { action: "reused" | "started" | "created"; detach(): Promise<void> };
  connectionId: string;
  profileId: string;
  label: string;
  log: string[];
  executionCount: number;
};

const g = globalThis as unknown as { __sousClusterAttachments?: Map<string, Attachment> };
g.__sousClusterAttachments ??= new Map();
const attachments = g.__sousClusterAttachments;
const keyOf = (userId: string, notebookId: string) => `${userId}/${notebookId}`;

async function pythonNotebook(projectId: string, notebookId: string) {
  const n = await ctx().db.notebook.findFirst({
    where: { id: notebookId, projectId, kind: "python" },
    select: { id: true },
  });
  if (!n) throw new AppError("not_found", "Notebook not found.");
  return n;
}

function dto(a: Attachment | undefined): ClusterAttachment {
  if (!a) return { attached: false };
  return {
    attached: true,
    connectionId: a.connectionId,
    profileId: a.profileId,
    label: a.label,
    clusterId: a.context.clusterId,
    action: a.context.action,
    log: a.log,
  };
}

export async function getClusterAttachment(projectId: string, notebookId: string, userId: string) {
  await pythonNotebook(projectId, notebookId);
  return dto(attachments.get(keyOf(userId, notebookId)));
}

export async function attachCluster(
  projectId: string,
  notebookId: string,
  userId: string,
  choice: { connectionId: string; profileId: string },
  signal?: AbortSignal,
): Promise<ClusterAttachment> {
  await pythonNotebook(projectId, notebookId);
  const key = keyOf(userId, notebookId);
  await detachCluster(projectId, notebookId, userId);
  const e = env();
  const { db, storage, dataDir } = ctx();
  const log: string[] = [];
  try {
    const engine = await loadRemoteEngine({
      db,
      secretBox: secretBox(),
      connectionId: choice.connectionId,
      profileId: choice.profileId,
      userId,
      installationStorage: storage,
      dataDir,
      timeouts: {
        connectMs: e.SOUS_DATABRICKS_CONNECT_TIMEOUT_SECONDS * 1000,
        readMs: e.SOUS_DATABRICKS_READ_TIMEOUT_SECONDS * 1000,
      },
    });
    const context = await attachToCluster({
      rest: engine.rest,
      profile: engine.profile,
      load: studioClusterLoad(),
      log: (_level, message) => {
        log.push(message);
      },
      language: "python",
      ...(signal ? { signal } : {}),
    });
    const a: Attachment = {
      context,
      connectionId: choice.connectionId,
      profileId: choice.profileId,
      label: `${engine.connectionName} · ${engine.profile.name}`,
      log,
      executionCount: 0,
    };
    attachments.set(key, a);
    return dto(a);
  } catch (err) {
    if (signal?.aborted) throw new AppError("invalid_input", "The attach was cancelled.");
    throw new AppError(
      "invalid_input",
      `Could not attach to a cluster: ${describeRemoteFailure(err).message}`,
    );
  }
}

export async function detachCluster(projectId: string, notebookId: string, userId: string) {
  await pythonNotebook(projectId, notebookId);
  const key = keyOf(userId, notebookId);
  const a = attachments.get(key);
  attachments.delete(key);
  await a?.context.detach().catch(() => undefined);
  return dto(undefined);
}

const escapeHtml = (s: string) =>
  s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");
const text = (v: unknown) =>
  v === null || v === undefined ? "" : typeof v === "string" ? v : JSON.stringify(v);

/** A command's output as the nbformat outputs a kernel would give. */
export function outputsOf(out: CommandOutput, executionCount: number): CellOutputDto[] {
  switch (out.kind) {
    case "text":
      return out.text
        ? [
            {
              output_type: "execute_result",
              execution_count: executionCount,
              data: { "text/plain": out.text },
              metadata: {},
            },
          ]
        : [];
    case "table": {
      const head = out.columns
        .map((c) => `<th title="${escapeHtml(c.type)}">${escapeHtml(c.name)}</th>`)
        .join("");
      const body = out.rows
        .map((r) => `<tr>${r.map((v) => `<td>${escapeHtml(text(v))}</td>`).join("")}</tr>`)
        .join("");
      const plain = [
        out.columns.map((c) => c.name).join("\t"),
        ...out.rows.map((r) => r.map(text).join("\t")),
      ].join("\n");
      const more = out.truncated ? `<p>The first ${out.rows.length} rows.</p>` : "";
      return [
        {
          output_type: "execute_result",
          execution_count: executionCount,
          data: {
            "text/html": `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>${more}`,
            "text/plain": plain,
          },
          metadata: {},
        },
      ];
    }
    case "image":
      return [
        {
          output_type: "display_data",
          data: { "text/plain": `Images on the cluster: ${out.fileNames.join(", ")}` },
          metadata: {},
        },
      ];
    case "error": {
      const [ename = "Error", ...rest] = out.summary.split(": ");
      return [
        ...(out.output
          ? [{ output_type: "stream" as const, name: "stdout" as const, text: out.output }]
          : []),
        { output_type: "error", ename, evalue: rest.join(": "), traceback: out.cause.split("\n") },
      ];
    }
    case "cancelled":
      return [
        { output_type: "error", ename: "Cancelled", evalue: "The command was cancelled.", traceback: [] },
      ];
  }
}

export async function executeOnCluster(
  projectId: string,
  notebookId: string,
  userId: string,
  code: string,
  language: "python" | "sql",
  signal?: AbortSignal,
): Promise<ExecuteResultDto> {
  await pythonNotebook(projectId, notebookId);
  const a = attachments.get(keyOf(userId, notebookId));
  if (!a) throw new AppError("conflict", "This notebook is not attached to a cluster: attach it first.");
  const started = performance.now();
  const count = ++a.executionCount;
  let out: CommandOutput;
  try {
    out = await a.context.run(code, { language, ...(signal ? { signal } : {}) });
  } catch (err) {
    if (signal?.aborted) out = { kind: "cancelled" };
    else
      throw new AppError(
        "invalid_input",
        `The cluster did not run the cell: ${describeRemoteFailure(err).message}`,
      );
  }
  return {
    status: out.kind === "error" ? "error" : out.kind === "cancelled" ? "aborted" : "ok",
    executionCount: count,
    outputs: outputsOf(out, count),
    durationMs: Math.round(performance.now() - started),
  };
}
