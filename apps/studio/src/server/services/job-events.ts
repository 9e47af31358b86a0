// No "server-only" marker on purpose: bench/job-events.ts runs these same streams against a real
// Postgres, outside Next. They only use the deps they are given.
import { type JobEvent, type JobLog, type JobProgress, type JobState, JobStateSchema } from "@sous/contracts";
import type { Db, JobChangeListener } from "@sous/db";
import { ACTIVE_JOB_STATES } from "@sous/server-domain";
import { jobProgress } from "./job-progress.ts";

/** The studio context's `db` and `jobChanges`. */
export interface JobEventDeps {
  db: Db;
  jobChanges: JobChangeListener;
}

// Server-Sent Events read the job rows, not a worker channel: Postgres holds the state, so a
// restarted studio (or a second one behind a load balancer) streams the same progress. A stream
// re-reads them when the job triggers NOTIFY (one LISTEN per process, see @sous/db job-changes),
// so an idle stream reads them every 5 s (a safety net) instead of every 300 ms; the fast poll
// stands in while LISTEN is down.
const POLL_MS = 300;
const SAFETY_POLL_MS = 5_000;
// A burst of changes (log lines, activity updates) is read in one go.
const COALESCE_MS = 30;
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

/** A job row's progress event, and a key that changes only when the event would. */
function progressOf(j: Omit<Parameters<typeof jobProgress>[0], "state"> & { state: string }): {
  state: JobState;
  progress: JobProgress;
  key: string;
} {
  // SKIPPED is an activity's end; a job that carries it reads as CANCELLED.
  const state = JobStateSchema.parse(j.state === "SKIPPED" ? "CANCELLED" : j.state);
  const progress = jobProgress({ ...j, state });
  return { state, progress, key: JSON.stringify({ ...progress, elapsedMs: null }) };
}

function sseStream(
  changes: JobChangeListener,
  signal: AbortSignal,
  watch: { projectId: string; jobId?: string },
  tick: (send: (e: JobEvent, id?: string) => void) => Promise<boolean>,
): Response {
  const encoder = new TextEncoder();
  let stop = () => {};
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      let closed = false;
      let lastWrite = Date.now();
      let changed = true;
      let wake: (() => void) | undefined;
      let endSleep: (() => void) | undefined;
      const unsubscribe = changes.subscribe(watch.projectId, (jobId) => {
        if (jobId !== null && watch.jobId !== undefined && jobId !== watch.jobId) return;
        changed = true;
        wake?.();
      });
      const close = () => {
        if (closed) return;
        closed = true;
        unsubscribe();
        endSleep?.();
        try {
          controller.close();
        } catch {
          // already closed by the client
        }
      };
      stop = close;
      signal.addEventListener("abort", close, { once: true });
      const write = (text: string) => {
        if (closed) return;
        lastWrite = Date.now();
        controller.enqueue(encoder.encode(text));
      };
      const send = (e: JobEvent, id?: string) =>
        write(`${id ? `id: ${id}\n` : ""}event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`);
      /** Until a change is notified (plus a short coalescing delay), the poll interval, or close. */
      const sleep = () =>
        new Promise<void>((resolve) => {
          let timer: ReturnType<typeof setTimeout> | undefined;
          const done = () => {
            clearTimeout(timer);
            wake = endSleep = undefined;
            resolve();
          };
          timer = setTimeout(done, changes.listening ? SAFETY_POLL_MS : POLL_MS);
          endSleep = done;
          wake = () => {
            wake = undefined;
            clearTimeout(timer);
            timer = setTimeout(done, COALESCE_MS);
          };
        });
      write("retry: 2000\n\n");
      const run = async () => {
        while (!closed) {
          changed = false;
          try {
            if (!(await tick(send))) return close();
            if (Date.now() - lastWrite > HEARTBEAT_MS) write(": keep-alive\n\n");
          } catch (e) {
            // A database blip: keep the stream, try again after the next sleep.
            console.error("[jobs] event stream tick failed", e);
          }
          if (!changed && !closed) await sleep();
        }
      };
      void run();
    },
    cancel() {
      stop();
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

interface TickRow {
  id: string;
  state: string;
  startedAt: string | null;
  finishedAt: string | null;
  cancelRequestedAt: string | null;
  activities: { position: number; state: string; outputDatasetId: string; rowsWritten: string | null }[];
  logs: JobLog[];
}

/**
 * What a job stream's tick reads (the job's progress fields, its activities and its log lines
 * after `afterLog`) in one statement instead of three: a build is short, and what the studio and
 * Postgres do for its stream meanwhile competes with its DuckDB for the same cores.
 */
async function readJobTick(db: Db, projectId: string, jobId: string, afterLog: bigint) {
  // Times as Date#toISOString writes them: Prisma keeps DateTime as UTC in TIMESTAMP(3) columns.
  const [row] = await db.$queryRaw<TickRow[]>`
    SELECT j.id, j.state::text AS state,
      to_char(j."startedAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "startedAt",
      to_char(j."finishedAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "finishedAt",
      to_char(j."cancelRequestedAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "cancelRequestedAt",
      (SELECT coalesce(json_agg(json_build_object('position', a.position, 'state', a.state::text,
          'outputDatasetId', a."outputDatasetId", 'rowsWritten', a."rowsWritten"::text)), '[]'::json)
        FROM "JobActivity" a WHERE a."jobId" = j.id) AS activities,
      (SELECT coalesce(json_agg(json_build_object('id', l.id::text, 'at', to_char(l.at, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'level', l.level,
          'message', l.message) ORDER BY l.id), '[]'::json)
        FROM (SELECT id, at, level, message FROM "JobLog" WHERE "jobId" = j.id AND id > ${afterLog}
          ORDER BY id LIMIT ${LOG_BATCH}) l) AS logs
    FROM "Job" j WHERE j.id = ${jobId} AND j."projectId" = ${projectId}`;
  if (!row) return null;
  const date = (d: string | null) => (d === null ? null : new Date(d));
  return {
    id: row.id,
    state: row.state,
    startedAt: date(row.startedAt),
    finishedAt: date(row.finishedAt),
    cancelRequestedAt: date(row.cancelRequestedAt),
    activities: row.activities.map((a) => ({
      ...a,
      rowsWritten: a.rowsWritten === null ? null : BigInt(a.rowsWritten),
    })),
    logs: row.logs,
  };
}

/** The job's next log lines after `afterLog` (a stream catching up on more than one batch). */
async function readLogs(db: Db, jobId: string, afterLog: bigint): Promise<JobLog[]> {
  const rows = await db.jobLog.findMany({
    where: { jobId, id: { gt: afterLog } },
    orderBy: { id: "asc" },
    take: LOG_BATCH,
  });
  return rows.map(jobLogLine);
}

/** A stored log row as the API and the stream show it. */
export function jobLogLine(l: { id: bigint; at: Date; level: string; message: string }): JobLog {
  return { id: String(l.id), at: l.at.toISOString(), level: l.level, message: l.message };
}

/**
 * One job's progress and log lines, live, until it ends. `afterLogId` (the Last-Event-ID header of
 * a reconnecting EventSource) resumes the log where the client left it.
 */
export function jobEventStream(
  { db, jobChanges }: JobEventDeps,
  opts: {
    projectId: string;
    jobId: string;
    signal: AbortSignal;
    afterLogId?: string | null;
  },
): Response {
  let lastProgress = "";
  let afterLog = opts.afterLogId && /^\d{1,19}$/.test(opts.afterLogId) ? BigInt(opts.afterLogId) : 0n;
  return sseStream(
    jobChanges,
    opts.signal,
    { projectId: opts.projectId, jobId: opts.jobId },
    async (send) => {
      const j = await readJobTick(db, opts.projectId, opts.jobId, afterLog);
      if (!j) return false;
      // Logs first, then progress: a client that sees "end" has every line. The job and its first
      // lines come from one statement (one snapshot: the end commits with the job's last line).
      let rows = j.logs;
      while (rows.length) {
        afterLog = BigInt(rows[rows.length - 1]!.id);
        send({ type: "log", jobId: opts.jobId, lines: rows }, String(afterLog));
        if (rows.length < LOG_BATCH) break;
        rows = await readLogs(db, opts.jobId, afterLog);
      }
      const { state, progress, key } = progressOf(j);
      if (key !== lastProgress) {
        lastProgress = key;
        send({ type: "progress", progress });
      }
      if (TERMINAL.has(state)) {
        send({ type: "end", jobId: opts.jobId, state });
        return false;
      }
      return true;
    },
  );
}

/**
 * Progress of every active job of a project, for the Flow canvas: a `progress` event whenever a
 * job changes, and `end` once when it finishes. Stays open.
 */
export function projectJobEventStream(
  { db, jobChanges }: JobEventDeps,
  opts: { projectId: string; signal: AbortSignal },
): Response {
  const last = new Map<string, string>();
  return sseStream(jobChanges, opts.signal, { projectId: opts.projectId }, async (send) => {
    const active = await db.job.findMany({
      where: { projectId: opts.projectId, state: { in: ACTIVE_JOB_STATES } },
      select: progressSelect,
      orderBy: { queuedAt: "asc" },
      take: 100,
    });
    const ended = [...last.keys()].filter((id) => !active.some((j) => j.id === id));
    const finished = ended.length
      ? await db.job.findMany({ where: { id: { in: ended } }, select: progressSelect })
      : [];
    for (const j of [...active, ...finished]) {
      const { state, progress, key } = progressOf(j);
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
