"use client";

// Live job progress over Server-Sent Events (GET .../jobs/events and .../jobs/{id}/events).
// EventSource reconnects by itself (the server says `retry: 2000`), so a restarting studio only
// pauses the stream; the rows in Postgres hold the truth, so nothing is lost meanwhile.

import { type JobEvent, JobEventSchema, type JobLog, type JobProgress, type JobState } from "@sous/contracts";
import { useEffect, useState, useSyncExternalStore } from "react";

function parse(e: MessageEvent): JobEvent | null {
  try {
    const r = JobEventSchema.safeParse(JSON.parse(String(e.data)));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}

/** One job: its progress, every log line, and its final state once it ends. */
export function useJobEvents(projectId: string, jobId: string, opts: { enabled?: boolean } = {}) {
  const [progress, setProgress] = useState<JobProgress | null>(null);
  const [logs, setLogs] = useState<JobLog[]>([]);
  const [ended, setEnded] = useState<JobState | null>(null);
  const [connected, setConnected] = useState(false);
  const enabled = opts.enabled ?? true;
  useEffect(() => {
    if (!enabled) return;
    setLogs([]);
    const es = new EventSource(`/api/v1/projects/${projectId}/jobs/${jobId}/events`);
    const seen = new Set<string>();
    es.onopen = () => setConnected(true);
    es.onerror = () => setConnected(false);
    es.addEventListener("progress", (e) => {
      const ev = parse(e as MessageEvent);
      if (ev?.type === "progress") setProgress(ev.progress);
    });
    es.addEventListener("log", (e) => {
      const ev = parse(e as MessageEvent);
      if (ev?.type !== "log") return;
      // A reconnect resumes after Last-Event-ID; the set guards against a replayed batch.
      const fresh = ev.lines.filter((l) => !seen.has(l.id));
      for (const l of fresh) seen.add(l.id);
      if (fresh.length) setLogs((prev) => [...prev, ...fresh]);
    });
    es.addEventListener("end", (e) => {
      const ev = parse(e as MessageEvent);
      if (ev?.type === "end") setEnded(ev.state);
      es.close();
      setConnected(false);
    });
    return () => es.close();
  }, [projectId, jobId, enabled]);
  return { progress, logs, ended, connected };
}

// The project stream is shared: every dataset node on the canvas reads it, one connection total.
type Listener = () => void;
interface ProjectStream {
  es: EventSource;
  listeners: Set<Listener>;
  /** Active jobs' progress by job id. */
  jobs: Map<string, JobProgress>;
  snapshot: ReadonlyMap<string, JobProgress>;
}
const streams = new Map<string, ProjectStream>();

function openStream(projectId: string): ProjectStream {
  const existing = streams.get(projectId);
  if (existing) return existing;
  const s: ProjectStream = {
    es: new EventSource(`/api/v1/projects/${projectId}/jobs/events`),
    listeners: new Set(),
    jobs: new Map(),
    // The same object as before the stream opened: a fresh Map here made useSyncExternalStore
    // see a change on subscribe, re-render, resubscribe (a new stream) and loop (React #185).
    snapshot: EMPTY,
  };
  const publish = () => {
    s.snapshot = new Map(s.jobs);
    for (const l of s.listeners) l();
  };
  s.es.addEventListener("progress", (e) => {
    const ev = parse(e as MessageEvent);
    if (ev?.type !== "progress") return;
    s.jobs.set(ev.progress.jobId, ev.progress);
    publish();
  });
  s.es.addEventListener("end", (e) => {
    const ev = parse(e as MessageEvent);
    if (ev?.type !== "end") return;
    s.jobs.delete(ev.jobId);
    publish();
  });
  streams.set(projectId, s);
  return s;
}

function release(projectId: string, s: ProjectStream) {
  if (s.listeners.size === 0) {
    s.es.close();
    streams.delete(projectId);
  }
}

const EMPTY: ReadonlyMap<string, JobProgress> = new Map();

/** Progress of every running job of the project, by job id (shared stream). */
export function useProjectJobs(projectId: string | undefined): ReadonlyMap<string, JobProgress> {
  return useSyncExternalStore(
    (listener) => {
      if (!projectId) return () => {};
      const s = openStream(projectId);
      s.listeners.add(listener);
      return () => {
        s.listeners.delete(listener);
        release(projectId, s);
      };
    },
    () => (projectId ? (streams.get(projectId)?.snapshot ?? EMPTY) : EMPTY),
    () => EMPTY,
  );
}

/** What the canvas shows on a dataset: the running job that writes it, if any. */
export function buildProgressOf(
  jobs: ReadonlyMap<string, JobProgress>,
  datasetId: string,
): { jobId: string; done: number; total: number; running: boolean } | null {
  for (const p of jobs.values()) {
    if (!p.building.includes(datasetId)) continue;
    return {
      jobId: p.jobId,
      done: p.done,
      total: p.total,
      running: p.current.some((c) => c.outputDatasetId === datasetId),
    };
  }
  return null;
}
