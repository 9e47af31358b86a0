import type { Job, JobActivity } from "@sous/contracts";
import { formatRows, plural } from "./format.ts";

// How a job's outcome is worded, shared by the jobs list, a job's page and the recipe editor's
// run panel, so they never disagree. Pure: unit-tested in job-summary.test.ts.

type ActivityLike = Pick<JobActivity, "state" | "upToDate">;

/** What the activities of a job came to, counted once for every place that shows them. */
function activityCounts(activities: readonly ActivityLike[]) {
  const n = (f: (a: ActivityLike) => boolean) => activities.filter(f).length;
  return {
    total: activities.length,
    built: n((a) => a.state === "SUCCEEDED" && !a.upToDate),
    upToDate: n((a) => a.state === "SUCCEEDED" && a.upToDate),
    failed: n((a) => a.state === "FAILED"),
    cancelled: n((a) => a.state === "CANCELLED"),
    skipped: n((a) => a.state === "SKIPPED"),
    pending: n((a) => a.state === "QUEUED" || a.state === "RUNNING"),
  };
}

/**
 * "1 built, 8 up to date" rather than "9/9" (which reads as nine builds): a running job shows
 * how far it is, an ended one what each activity came to.
 */
export function activitySummary(
  job: { state: string; activities: readonly ActivityLike[] },
  live?: { done: number; total: number },
): string {
  const c = activityCounts(job.activities);
  if (job.state === "QUEUED" || job.state === "RUNNING") {
    const done = live?.done ?? c.total - c.pending;
    const total = live?.total ?? c.total;
    return `${done} of ${plural(total, "activity", "activities")} done`;
  }
  if (c.total === 0) return "Nothing to build";
  const parts = [
    c.built ? `${c.built} built` : null,
    c.upToDate ? `${c.upToDate} up to date` : null,
    c.failed ? `${c.failed} failed` : null,
    c.cancelled ? `${c.cancelled} cancelled` : null,
    c.skipped ? `${c.skipped} not run` : null,
    c.pending ? `${c.pending} pending` : null,
  ].filter((p): p is string => p !== null);
  return parts.join(", ");
}

/** "Cancelled: Cancelled." says it twice: a message that starts with the label stands alone. */
export function statusLine(label: string, message: string | null | undefined): string {
  const m = message?.trim();
  if (!m) return label;
  return m.toLowerCase().startsWith(label.toLowerCase()) ? m : `${label}: ${m}`;
}

/**
 * The one-line outcome of a finished run of a recipe: a run that found every output up to date
 * wrote nothing and says so, rather than "Done: 0 rows".
 */
export function runOutcome(job: Pick<Job, "state" | "error" | "activities">): {
  kind: "done" | "up-to-date" | "failed" | "cancelled";
  text: string;
} {
  if (job.state === "SUCCEEDED") {
    const c = activityCounts(job.activities);
    if (c.built === 0) return { kind: "up-to-date", text: "Skipped: already up to date" };
    const rows = job.activities.reduce(
      (s, a) => (a.state === "SUCCEEDED" && !a.upToDate && a.rowsWritten !== null ? s + a.rowsWritten : s),
      0,
    );
    const rest = c.upToDate ? ` (${c.upToDate} up to date)` : "";
    return { kind: "done", text: `Done: ${formatRows(rows)} written${rest}` };
  }
  const message = job.error ?? job.activities.find((a) => a.error)?.error ?? "The job did not finish.";
  return job.state === "CANCELLED"
    ? { kind: "cancelled", text: statusLine("Cancelled", message) }
    : { kind: "failed", text: statusLine("Failed", message) };
}

/** "Local (DuckDB)", "Databricks", or both, from the engines of a job's activities. */
export function engineLabel(activities: readonly Pick<JobActivity, "engine">[]): string {
  const names = [...new Set(activities.map((a) => (a.engine === "local" ? "Local" : "Databricks")))];
  return names.length ? names.join(" + ") : "—";
}
