import type { JobProgress, JobState } from "@sous/contracts";

interface ProgressRow {
  id: string;
  state: JobState;
  startedAt: Date | null;
  finishedAt: Date | null;
  cancelRequestedAt: Date | null;
  activities: {
    position: number;
    state: string;
    outputDatasetId: string;
    rowsWritten: bigint | null;
  }[];
}

const FINISHED = new Set(["SUCCEEDED", "FAILED", "CANCELLED", "SKIPPED"]);

/** The figures a progress bar shows, from the rows alone (so a restarted studio shows the same). */
export function jobProgress(j: ProgressRow, now = Date.now()): JobProgress {
  const count = (s: string) => j.activities.filter((a) => a.state === s).length;
  const active = j.state === "QUEUED" || j.state === "RUNNING";
  return {
    jobId: j.id,
    state: j.state,
    total: j.activities.length,
    done: j.activities.filter((a) => FINISHED.has(a.state)).length,
    succeeded: count("SUCCEEDED"),
    failed: count("FAILED") + count("CANCELLED"),
    skipped: count("SKIPPED"),
    rowsWritten: j.activities.reduce((s, a) => s + (a.rowsWritten === null ? 0 : Number(a.rowsWritten)), 0),
    current: j.activities
      .filter((a) => a.state === "RUNNING")
      .sort((a, b) => a.position - b.position)
      .map((a) => ({ position: a.position, outputDatasetId: a.outputDatasetId })),
    building: active
      ? j.activities
          .filter((a) => a.state === "QUEUED" || a.state === "RUNNING")
          .map((a) => a.outputDatasetId)
      : [],
    elapsedMs: j.startedAt ? (j.finishedAt?.getTime() ?? now) - j.startedAt.getTime() : null,
    cancelRequested: j.cancelRequestedAt !== null,
  };
}
