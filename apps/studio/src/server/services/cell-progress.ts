import "server-only";
import type { QueryProgressReader } from "@sous/engine-local";

// What a SQL notebook cell's run says while it runs, on either engine (issue #17), polled by the
// page only while the run is in flight: what a run on a Databricks cluster said (cluster waits,
// upload, query), DuckDB's own estimate of a local query's progress, and the time since it started.
// Kept in this process's memory: the studio that runs the cell is the one the page polls.

type Run = {
  lines: string[];
  running: boolean;
  startedAt: number;
  endedAt: number;
  percent: QueryProgressReader | null;
};

const runs = new Map<string, Run>();
const keyOf = (notebookId: string, cellId: string) => `${notebookId}/${cellId}`;

/** A finished run is kept this long, for a last poll that comes after the run's answer. */
const KEPT_MS = 60_000;

export interface CellRunProgress {
  running: boolean;
  lines: string[];
  /** DuckDB's estimate (0-100) of a local query that runs; null on a cluster, or before DuckDB has one. */
  percent: number | null;
  /** Since the run started (to its end once finished); null when the cell has no recent run. */
  elapsedMs: number | null;
}

/** The cell's current run, or its last one for a minute. */
export function cellRunProgress(notebookId: string, cellId: string): CellRunProgress {
  const r = runs.get(keyOf(notebookId, cellId));
  if (!r) return { running: false, lines: [], percent: null, elapsedMs: null };
  const percent = r.running ? (r.percent?.() ?? null) : null;
  return {
    running: r.running,
    lines: r.lines,
    percent: percent === null ? null : Math.round(percent * 10) / 10,
    elapsedMs: Math.round((r.running ? performance.now() : r.endedAt) - r.startedAt),
  };
}

/** Starts tracking a run of the cell: its log lines, its query's progress reader, its end. */
export function trackCellRun(notebookId: string, cellId: string) {
  const now = performance.now();
  const run: Run = { lines: [], running: true, startedAt: now, endedAt: now, percent: null };
  runs.set(keyOf(notebookId, cellId), run);
  // Old entries go: a studio that runs for weeks keeps no more than the recent runs.
  for (const [k, v] of runs) if (!v.running && now - v.endedAt > KEPT_MS) runs.delete(k);
  return {
    log: (_level: string, message: string) => {
      run.lines.push(message);
      if (run.lines.length > 50) run.lines.shift();
    },
    watch: (percent: QueryProgressReader) => {
      run.percent = percent;
    },
    done: () => {
      run.running = false;
      run.endedAt = performance.now();
      run.percent = null;
    },
  };
}
