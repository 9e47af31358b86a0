"use client";

import type { Job, JobActivity } from "@sous/contracts";
import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import { apiCall, errorMessage } from "@/ui/api.ts";
import { Badge } from "@/ui/badge.tsx";
import { Button, ButtonLink } from "@/ui/button.tsx";
import { formatCount, formatDate, formatRows, plural } from "@/ui/format.ts";
import { ArrowLeftIcon, CloseIcon } from "@/ui/icons.tsx";
import { activitySummary, engineLabel } from "@/ui/job-summary.ts";
import { Panel } from "@/ui/panel.tsx";
import { useJobEvents } from "@/ui/use-job-events.ts";
import { formatDuration, MODE_LABEL, STATE_TONE, stateLabel } from "../job-format.ts";

const ACTIVE = new Set(["QUEUED", "RUNNING"]);

function ProgressBar({ done, total, state }: { done: number; total: number; state: string }) {
  const pct = total === 0 ? 100 : Math.round((done / total) * 100);
  return (
    <div
      className="job-progress"
      data-state={state}
      role="progressbar"
      aria-valuemin={0}
      aria-valuemax={total}
      aria-valuenow={done}
      aria-label="Activities done"
      data-testid="job-progress"
    >
      <div className="job-progress-fill" style={{ width: `${pct}%` }} />
    </div>
  );
}

/** "totalMs" → "Total", "clusterStartMs" → "Cluster start": the stored timings' keys, readable. */
const timingLabel = (k: string) => {
  const words = k
    .replace(/Ms$/, "")
    .replace(/([A-Z])/g, " $1")
    .toLowerCase()
    .trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

/** Where a Databricks activity ran and how long each phase took, as the worker stored it. */
function RemoteFacts({ remote }: { remote: NonNullable<JobActivity["remote"]> }) {
  return (
    <>
      <dt>Cluster</dt>
      <dd className="mono" data-testid="activity-cluster">
        {remote.clusterId}
      </dd>
      <dt>Spark UI</dt>
      <dd>
        {/^https?:\/\//.test(remote.sparkUiUrl) ? (
          <a
            href={remote.sparkUiUrl}
            target="_blank"
            rel="noopener noreferrer"
            data-testid="activity-spark-ui"
          >
            Open the Spark UI
          </a>
        ) : (
          <span className="mono">{remote.sparkUiUrl}</span>
        )}
      </dd>
      {Object.keys(remote.timings).length ? (
        <>
          <dt>Timings</dt>
          <dd data-testid="activity-timings">
            {Object.entries(remote.timings)
              .map(([k, ms]) => `${timingLabel(k)} ${formatDuration(ms)}`)
              .join(" · ")}
            {remote.statements ? ` · ${plural(remote.statements, "statement")}` : ""}
          </dd>
        </>
      ) : null}
    </>
  );
}

function ActivityRow({
  a,
  names,
  datasetNames,
}: {
  a: JobActivity;
  names: (ids: string[], map: Record<string, string>) => string;
  datasetNames: Record<string, string>;
}) {
  const [open, setOpen] = useState(false);
  return (
    <li className="job-activity" data-state={a.state} data-testid={`activity-${a.position}`}>
      <button
        type="button"
        className="job-activity-head"
        onClick={() => setOpen((o) => !o)}
        aria-expanded={open}
      >
        <span className="job-activity-pos">{a.position + 1}</span>
        <Badge tone={STATE_TONE[a.state]} pulse={a.state === "RUNNING"}>
          {stateLabel(a.state)}
        </Badge>
        <span className="job-activity-title">
          {a.recipeIds.length > 1 ? (
            <span className="job-pipeline">Pipeline ({plural(a.recipeIds.length, "recipe")})</span>
          ) : null}
          {names(a.recipeIds, {})} → <strong>{datasetNames[a.outputDatasetId] ?? a.outputDatasetId}</strong>
        </span>
        <span className="job-activity-figures">
          {a.upToDate ? "up to date · " : a.rowsWritten !== null ? `${formatRows(a.rowsWritten)} · ` : ""}
          {formatDuration(a.durationMs)}
          {a.attempts > 1 ? ` · attempt ${a.attempts}` : ""}
        </span>
      </button>
      {a.error ? <div className="job-activity-error">{a.error}</div> : null}
      {open ? (
        <div className="job-activity-body">
          <dl className="facts">
            <dt>Engine</dt>
            <dd>{a.engine === "local" ? "Local (DuckDB)" : "Databricks"}</dd>
            {a.remote ? <RemoteFacts remote={a.remote} /> : null}
            {a.virtualDatasetIds.length ? (
              <>
                <dt>Not written</dt>
                <dd>
                  {a.virtualDatasetIds.map((d) => datasetNames[d] ?? d).join(", ")} (computed inside the
                  statement)
                </dd>
              </>
            ) : null}
            {a.dependsOn.length ? (
              <>
                <dt>After</dt>
                <dd>{a.dependsOn.map((p) => `activity ${p + 1}`).join(", ")}</dd>
              </>
            ) : null}
            <dt>Started</dt>
            <dd>{formatDate(a.startedAt)}</dd>
          </dl>
          {a.duckdbSql ? (
            <>
              <h4>DuckDB SQL (what ran)</h4>
              <pre className="job-sql" data-testid={`activity-sql-${a.position}`}>
                {a.duckdbSql}
              </pre>
            </>
          ) : null}
          {a.sparkSql ? (
            <>
              <h4>Spark SQL</h4>
              <pre className="job-sql">{a.sparkSql}</pre>
            </>
          ) : null}
          {!a.duckdbSql && !a.sparkSql ? (
            <p className="muted">No SQL yet: the activity has not started.</p>
          ) : null}
        </div>
      ) : null}
    </li>
  );
}

export function JobView(props: {
  projectId: string;
  projectName: string;
  initialJob: Job;
  canCancel: boolean;
  datasetNames: Record<string, string>;
  recipeNames: Record<string, string>;
}) {
  const { projectId, datasetNames, recipeNames } = props;
  const [job, setJob] = useState(props.initialJob);
  const [cancelling, setCancelling] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const { progress, logs, connected } = useJobEvents(projectId, job.id);
  const logEnd = useRef<HTMLDivElement>(null);

  // Every progress event refreshes the rows (activities, SQL, errors); the stream carries figures only.
  const progressKey = progress
    ? `${progress.state}/${progress.done}/${progress.current.length}/${progress.cancelRequested}`
    : "";
  useEffect(() => {
    if (!progressKey) return;
    let alive = true;
    apiCall("GET /projects/{projectId}/jobs/{jobId}", { params: { projectId, jobId: job.id } })
      .then((j) => alive && setJob(j))
      .catch(() => {});
    return () => {
      alive = false;
    };
  }, [progressKey, projectId, job.id]);
  useEffect(() => {
    if (logs.length) logEnd.current?.scrollIntoView({ block: "nearest" });
  }, [logs.length]);

  const p = progress ?? job.progress;
  const state = p.state;
  const active = ACTIVE.has(state);
  const names = (ids: string[]) => ids.map((id) => recipeNames[id] ?? id).join(" → ");

  const cancel = async () => {
    setCancelling(true);
    setError(null);
    try {
      setJob(
        await apiCall("POST /projects/{projectId}/jobs/{jobId}/cancel", {
          params: { projectId, jobId: job.id },
        }),
      );
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setCancelling(false);
    }
  };

  return (
    <main className="jobs-page" data-testid="job-page" data-state={state}>
      <div className="jobs-head">
        <ButtonLink href={`/projects/${projectId}/jobs`} variant="secondary" icon={<ArrowLeftIcon />}>
          All jobs
        </ButtonLink>
        <div className="jobs-title">
          <h1>
            Build {job.targets.map((t) => datasetNames[t] ?? t).join(", ")}{" "}
            <Badge tone={STATE_TONE[state]} pulse={state === "RUNNING"} testId="job-state">
              {stateLabel(state)}
            </Badge>
          </h1>
          <div className="muted">
            {props.projectName} · {MODE_LABEL[job.mode] ?? job.mode} · queued {formatDate(job.queuedAt)}
            {job.createdBy ? ` by ${job.createdBy.name}` : ""}
          </div>
        </div>
        {props.canCancel && active ? (
          <Button
            variant="danger"
            icon={<CloseIcon />}
            onClick={cancel}
            loading={cancelling}
            disabled={p.cancelRequested}
            data-testid="cancel-job"
          >
            {p.cancelRequested ? "Cancelling…" : "Cancel"}
          </Button>
        ) : null}
      </div>
      {error ? <div className="form-error">{error}</div> : null}

      <section className="job-figures" aria-label="Figures">
        <ProgressBar done={p.done} total={p.total} state={state} />
        <dl>
          <div>
            <dt>Activities</dt>
            <dd data-testid="job-done">{activitySummary({ state, activities: job.activities }, p)}</dd>
          </div>
          <div>
            <dt>Engine</dt>
            <dd data-testid="job-engine">{engineLabel(job.activities)}</dd>
          </div>
          <div>
            <dt>Rows written</dt>
            <dd data-testid="job-rows">{formatCount(p.rowsWritten)}</dd>
          </div>
          <div>
            <dt>Running now</dt>
            <dd>
              {p.current.length
                ? p.current.map((c) => datasetNames[c.outputDatasetId] ?? c.outputDatasetId).join(", ")
                : "—"}
            </dd>
          </div>
          <div>
            <dt>Elapsed</dt>
            <dd>{formatDuration(p.elapsedMs)}</dd>
          </div>
          <div>
            <dt>Skipped</dt>
            <dd>{p.skipped}</dd>
          </div>
        </dl>
        {job.error ? (
          <div className="job-activity-error" data-testid="job-error">
            {job.error}
          </div>
        ) : null}
      </section>

      <div className="job-grid">
        <Panel title="Plan and activities" testId="job-plan">
          {job.plan?.upToDate.length ? (
            <p className="muted job-uptodate">
              Up to date, not rebuilt: {job.plan.upToDate.map((d) => datasetNames[d] ?? d).join(", ")}
            </p>
          ) : null}
          {job.activities.length ? (
            <ol className="job-activities">
              {job.activities.map((a) => (
                <ActivityRow key={a.id} a={a} names={names} datasetNames={datasetNames} />
              ))}
            </ol>
          ) : (
            <p className="muted job-uptodate">Nothing to build: everything asked for was up to date.</p>
          )}
        </Panel>
        <Panel
          title={`Log${logs.length ? ` · ${plural(logs.length, "line")}` : ""}`}
          actions={
            active ? (
              <span className={connected ? "job-live" : "job-live off"}>
                {connected ? "Live" : "Reconnecting…"}
              </span>
            ) : null
          }
          testId="job-logs"
        >
          <div className="job-log" role="log" aria-live="polite">
            {logs.map((l) => (
              <div key={l.id} className="job-log-line" data-level={l.level}>
                <time>{new Date(l.at).toLocaleTimeString("en-GB")}</time>
                <span>{l.message}</span>
              </div>
            ))}
            <div ref={logEnd} />
          </div>
        </Panel>
      </div>
      <p className="muted">
        <Link href={`/projects/${projectId}`}>Back to the Flow</Link>
      </p>
    </main>
  );
}
