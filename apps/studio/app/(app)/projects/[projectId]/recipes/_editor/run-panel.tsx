"use client";

import type { DatasetInfo, Job } from "@sous/contracts";
import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import { apiCall, errorMessage } from "@/ui/api.ts";
import { Button } from "@/ui/button.tsx";
import { formatRows, plural } from "@/ui/format.ts";
import { CloseIcon } from "@/ui/icons.tsx";
import { activitySummary, runOutcome } from "@/ui/job-summary.ts";
import { useJobEvents } from "@/ui/use-job-events.ts";
import type { RunState } from "../../_flow/use-runs.ts";
import { MODE_LABEL } from "../../jobs/job-format.ts";

// Run from the editor: the build mode, then the job's progress, activities and live log in a
// panel under the header, without leaving the page.

const ACTIVE = new Set(["starting", "QUEUED", "RUNNING"]);

export function RunPanel({
  projectId,
  state,
  outputs,
  names,
  onClose,
}: {
  projectId: string;
  state: RunState;
  outputs: DatasetInfo[];
  /** Dataset and recipe names by id (a job's activities may build upstream datasets). */
  names: ReadonlyMap<string, string>;
  onClose: () => void;
}) {
  const job = "job" in state ? state.job : null;
  const active = ACTIVE.has(state.phase);
  return (
    <section
      className="run-panel"
      data-testid="run-panel"
      data-state={state.phase}
      aria-label="Run of this recipe"
    >
      <header className="run-panel-head">
        <RunSummary state={state} outputs={outputs} projectId={projectId} />
        <span className="run-panel-actions">
          {job && active ? <CancelButton projectId={projectId} jobId={job.id} /> : null}
          {job ? (
            <Link href={`/projects/${projectId}/jobs/${job.id}`} className="small" data-testid="open-job">
              Job page
            </Link>
          ) : null}
          {active ? null : (
            <button
              type="button"
              className="icon-btn"
              aria-label="Close the run panel"
              data-testid="run-panel-close"
              onClick={onClose}
            >
              <CloseIcon size={14} />
            </button>
          )}
        </span>
      </header>
      {job ? <JobDetail projectId={projectId} job={job} names={names} /> : null}
    </section>
  );
}

function RunSummary({
  state,
  outputs,
  projectId,
}: {
  state: RunState;
  outputs: DatasetInfo[];
  projectId: string;
}) {
  if (state.phase === "error")
    return (
      <span className="job-status-text form-error" role="alert" data-testid="job-status" data-state="error">
        {state.message}
      </span>
    );
  if (ACTIVE.has(state.phase))
    return (
      <span className="job-status-text" role="status" data-testid="job-status" data-state={state.phase}>
        <span className="spinner" aria-hidden="true" />
        {state.phase === "RUNNING" ? "Running…" : state.phase === "QUEUED" ? "Queued…" : "Starting…"}
        {"job" in state ? (
          <span className="muted"> · {MODE_LABEL[state.job.mode] ?? state.job.mode}</span>
        ) : null}
      </span>
    );
  const job = "job" in state ? state.job : null;
  const outcome = job
    ? runOutcome(job)
    : { kind: "failed" as const, text: "Failed: The job did not finish." };
  if (state.phase === "SUCCEEDED" && job) {
    return (
      <span
        className="job-status-text"
        role="status"
        data-testid="job-status"
        data-state="SUCCEEDED"
        data-outcome={outcome.kind}
      >
        {outcome.text}
        {outputs.map((o) => (
          <span key={o.id}>
            {" · "}
            <Link href={`/projects/${projectId}/datasets/${o.id}`} data-testid="open-output">
              Open {o.name}
            </Link>
          </span>
        ))}
      </span>
    );
  }
  return (
    <span
      className="job-status-text form-error"
      role="alert"
      data-testid="job-status"
      data-state={state.phase}
      data-outcome={outcome.kind}
    >
      {outcome.text}
    </span>
  );
}

function CancelButton({ projectId, jobId }: { projectId: string; jobId: string }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <>
      <Button
        size="sm"
        variant="ghost"
        loading={busy}
        data-testid="run-cancel"
        onClick={async () => {
          setBusy(true);
          try {
            await apiCall("POST /projects/{projectId}/jobs/{jobId}/cancel", { params: { projectId, jobId } });
          } catch (e) {
            setError(errorMessage(e));
          } finally {
            setBusy(false);
          }
        }}
      >
        Cancel job
      </Button>
      {error ? <span className="form-error small">{error}</span> : null}
    </>
  );
}

function JobDetail({
  projectId,
  job,
  names,
}: {
  projectId: string;
  job: Job;
  names: ReadonlyMap<string, string>;
}) {
  const { progress, logs } = useJobEvents(projectId, job.id);
  const logEnd = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (logs.length) logEnd.current?.scrollIntoView({ block: "nearest" });
  }, [logs.length]);
  // Live counts while it runs; once it ended, the job's own activities hold the truth.
  const ended = !["QUEUED", "RUNNING"].includes(job.state);
  const finished = job.activities.filter((a) => !["QUEUED", "RUNNING"].includes(a.state)).length;
  const total = ended || !progress ? job.activities.length : progress.total;
  const done = ended || !progress ? finished : progress.done;
  const pct = total ? Math.round((done / total) * 100) : 0;
  return (
    <div className="run-panel-body">
      <div className="run-progress" data-testid="run-progress">
        <div
          className="run-progress-bar"
          role="progressbar"
          aria-valuemin={0}
          aria-valuemax={total}
          aria-valuenow={done}
          aria-label="Activities done"
        >
          <span style={{ width: `${pct}%` }} />
        </div>
        <span className="muted small">
          {ended ? activitySummary(job) : `${done} of ${plural(total, "activity", "activities")} done`}
        </span>
      </div>
      {job.activities.length ? (
        <ol className="run-activities" data-testid="run-activities">
          {job.activities.map((a) => (
            <li key={a.id} data-state={a.state}>
              <span className="run-activity-state">{a.state.toLowerCase()}</span>{" "}
              {names.get(a.outputDatasetId) ?? a.outputDatasetId}
              {a.upToDate ? (
                <span className="muted"> · up to date</span>
              ) : a.rowsWritten !== null ? (
                <span className="muted"> · {formatRows(a.rowsWritten)}</span>
              ) : null}
            </li>
          ))}
        </ol>
      ) : null}
      <div className="run-log" role="log" aria-live="polite" data-testid="run-log">
        {logs.length === 0 ? <span className="muted">The log appears here as the job runs.</span> : null}
        {logs.map((l) => (
          <div key={l.id} className="run-log-line" data-level={l.level}>
            <time>{new Date(l.at).toLocaleTimeString("en-GB")}</time>
            <span>{l.message}</span>
          </div>
        ))}
        <div ref={logEnd} />
      </div>
    </div>
  );
}
