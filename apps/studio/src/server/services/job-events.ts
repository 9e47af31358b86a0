import "server-only";
import { type JobEvent, type JobLog, type JobProgress, JobStateSchema } from "@sous/contracts";
import { ctx } from "../context.ts";
import { jobProgress } from "./job-progress.ts";

// Server-Sent Events read the job rows, not a worker channel: Postgres holds the state, so a
// restarted studio (or a second one behind a load balancer) streams the same progress.
const POLL_MS = 300;
const HEARTBEAT_MS = 15_000;
const LOG_BATCH = 500;

const progressSelect = {
  id: true,
  state: true,
  startedAt: true,
  finishedAt: true,
  cancelRequestedAt: true,
  activities: { select: { position: true, state: true, outputDatasetId: true, rowsWritten: true } },
} as const;

const TERMINAL = new Set(["SUCCEEDED", "FAILED", "CANCELLED"]);

function sseStream(
  signal: AbortSignal,
  tick: (send: (e: JobEvent, id?: string) => void) => Promise<boolean>,
): Response {
  const encoder = new TextEncoder();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      let closed = false;
      let lastWrite = Date.now();
      const close = () => {
        if (closed) return;
        closed = true;
        clearTimeout(timer);
        try {
          controller.close();
        } catch {
          // already closed by the client
        }
      };
      signal.addEventListener("abort", close, { once: true });
      const write = (text: string) => {
        if (closed) return;
        lastWrite = Date.now();
        controller.enqueue(encoder.encode(text));
      };
      const send = (e: JobEvent, id?: string) =>
        write(`${id ? `id: ${id}\n` : ""}event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`);
      write("retry: 2000\n\n");
      const loop = async () => {
        if (closed) return;
        try {
          if (!(await tick(send))) return close();
          if (Date.now() - lastWrite > HEARTBEAT_MS) write(": keep-alive\n\n");
        } catch (e) {
          // A database blip: keep the stream, try again on the next tick.
          console.error("[jobs] event stream tick failed", e);
        }
        if (!closed) timer = setTimeout(loop, POLL_MS);
      };
      void loop();
    },
    cancel() {
      clearTimeout(timer);
    },
  });
  return new Response(stream, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    },
  });
}

/**
 * One job's progress and log lines, live, until it ends. `afterLogId` (the Last-Event-ID header of
 * a reconnecting EventSource) resumes the log where the client left it.
 */
export function jobEventStream(opts: {
  projectId: string;
  jobId: string;
  signal: AbortSignal;
  afterLogId?: string | null;
}): Response {
  const { db } = ctx();
  let lastProgress = "";
  let afterLog = opts.afterLogId && /^\d{1,19}$/.test(opts.afterLogId) ? BigInt(opts.afterLogId) : 0n;
  return sseStream(opts.signal, async (send) => {
    const j = await db.job.findFirst({
      where: { id: opts.jobId, projectId: opts.projectId },
      select: progressSelect,
    });
    if (!j) return false;
    // Logs first, then progress: a client that sees "end" has every line.
    for (;;) {
      const rows = await db.jobLog.findMany({
        where: { jobId: opts.jobId, id: { gt: afterLog } },
        orderBy: { id: "asc" },
        take: LOG_BATCH,
      });
      if (!rows.length) break;
      afterLog = rows[rows.length - 1]!.id;
      const lines: JobLog[] = rows.map((l) => ({
        id: String(l.id),
        at: l.at.toISOString(),
        level: l.level,
        message: l.message,
      }));
      send({ type: "log", jobId: opts.jobId, lines }, String(afterLog));
      if (rows.length < LOG_BATCH) break;
    }
    const state = JobStateSchema.parse(j.state === "SKIPPED" ? "CANCELLED" : j.state);
    const progress = jobProgress({ ...j, state });
    const key = JSON.stringify({ ...progress, elapsedMs: null });
    if (key !== lastProgress) {
      lastProgress = key;
      send({ type: "progress", progress });
    }
    if (TERMINAL.has(state)) {
      send({ type: "end", jobId: opts.jobId, state });
      return false;
    }
    return true;
  });
}

/**
 * Progress of every active job of a project, for the Flow canvas: a `progress` event whenever a
 * job changes, and `end` once when it finishes. Stays open.
 */
export function projectJobEventStream(opts: { projectId: string; signal: AbortSignal }): Response {
  const { db } = ctx();
  const last = new Map<string, string>();
  return sseStream(opts.signal, async (send) => {
    const active = await db.job.findMany({
      where: { projectId: opts.projectId, state: { in: ["QUEUED", "RUNNING"] } },
      select: progressSelect,
      orderBy: { queuedAt: "asc" },
      take: 100,
    });
    const ended = [...last.keys()].filter((id) => !active.some((j) => j.id === id));
    const finished = ended.length
      ? await db.job.findMany({ where: { id: { in: ended } }, select: progressSelect })
      : [];
    for (const j of [...active, ...finished]) {
      const state = JobStateSchema.parse(j.state === "SKIPPED" ? "CANCELLED" : j.state);
      const progress: JobProgress = jobProgress({ ...j, state });
      const key = JSON.stringify({ ...progress, elapsedMs: null });
      if (last.get(j.id) !== key) send({ type: "progress", progress });
      if (TERMINAL.has(state)) {
        send({ type: "end", jobId: j.id, state });
        last.delete(j.id);
      } else last.set(j.id, key);
    }
    for (const id of ended) if (!finished.some((j) => j.id === id)) last.delete(id);
    return true;
  });
}
