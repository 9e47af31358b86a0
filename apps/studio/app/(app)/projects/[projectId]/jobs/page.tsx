import { type JobState, JobStateSchema } from "@sous/contracts";
import type { Metadata } from "next";
import Link from "next/link";
import { jobNames, listJobs } from "@/server/services/jobs.ts";
import { Badge } from "@/ui/badge.tsx";
import { ButtonLink } from "@/ui/button.tsx";
import { formatCount, formatDate } from "@/ui/format.ts";
import { ArrowLeftIcon } from "@/ui/icons.tsx";
import { activitySummary, engineLabel } from "@/ui/job-summary.ts";
import { EmptyState, Panel } from "@/ui/panel.tsx";
import { loadProject } from "../../../../_lib/project-page.ts";
import { BuildForm } from "./build-form.tsx";
import { formatDuration, MODE_LABEL, STATE_TONE, stateLabel } from "./job-format.ts";
import "./jobs.css";

type Props = {
  params: Promise<{ projectId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) || undefined;

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { project } = await loadProject((await params).projectId);
  return { title: `${project.name} · Jobs · Sous` };
}

export default async function JobsPage({ params, searchParams }: Props) {
  const { projectId } = await params;
  const q = await searchParams;
  const { project, role } = await loadProject(projectId);
  const parsedState = JobStateSchema.safeParse(one(q.state));
  const filters = {
    state: parsedState.success ? (parsedState.data as JobState) : undefined,
    dataset: one(q.dataset),
    user: one(q.user),
  };
  const [jobs, names] = await Promise.all([
    listJobs(projectId, { ...filters, limit: 100 }),
    jobNames(projectId),
  ]);
  const datasetName = new Map(names.datasets.map((d) => [d.id, d.name]));

  return (
    <main className="jobs-page">
      <div className="jobs-head">
        <ButtonLink href={`/projects/${projectId}`} variant="secondary" icon={<ArrowLeftIcon />}>
          Back to flow
        </ButtonLink>
        <div>
          <h1>Jobs</h1>
          <div className="muted">{project.name}: every build, newest first</div>
        </div>
      </div>

      {role !== "VIEWER" && names.buildable.length ? (
        <Panel title="New build">
          <BuildForm projectId={projectId} datasets={names.buildable} />
        </Panel>
      ) : null}

      <form className="jobs-filters" method="get" data-testid="jobs-filters">
        <label className="field">
          <span className="field-label">State</span>
          <select className="input select" name="state" defaultValue={filters.state ?? ""}>
            <option value="">Any</option>
            {JobStateSchema.options.map((s) => (
              <option key={s} value={s}>
                {stateLabel(s)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">Dataset</span>
          <select className="input select" name="dataset" defaultValue={filters.dataset ?? ""}>
            <option value="">Any</option>
            {names.datasets.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">Started by</span>
          <select className="input select" name="user" defaultValue={filters.user ?? ""}>
            <option value="">Anyone</option>
            {names.users.map((u) => (
              <option key={u.id} value={u.id}>
                {u.name}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="btn btn-secondary">
          Filter
        </button>
        {filters.state || filters.dataset || filters.user ? (
          <Link href={`/projects/${projectId}/jobs`} className="jobs-clear">
            Clear
          </Link>
        ) : null}
      </form>

      <Panel title={`${jobs.length === 100 ? "Latest 100" : jobs.length} job${jobs.length === 1 ? "" : "s"}`}>
        {jobs.length ? (
          <div className="table-scroll">
            <table className="data-table jobs-table" data-testid="jobs-table">
              <thead>
                <tr>
                  <th>State</th>
                  <th>Targets</th>
                  <th>Mode</th>
                  <th>Engine</th>
                  <th>Activities</th>
                  <th className="num">Rows written</th>
                  <th>Queued</th>
                  <th className="num">Duration</th>
                  <th>By</th>
                </tr>
              </thead>
              <tbody>
                {jobs.map((j) => (
                  <tr key={j.id} data-testid={`job-row-${j.id}`} data-state={j.state}>
                    <td>
                      <Badge tone={STATE_TONE[j.state]} pulse={j.state === "RUNNING"}>
                        {stateLabel(j.state)}
                      </Badge>
                    </td>
                    <td>
                      <Link href={`/projects/${projectId}/jobs/${j.id}`}>
                        {j.targets.map((t) => datasetName.get(t) ?? t).join(", ")}
                      </Link>
                      {j.error ? <div className="jobs-error">{j.error}</div> : null}
                    </td>
                    <td>{MODE_LABEL[j.mode] ?? j.mode}</td>
                    <td data-testid="job-engine">{engineLabel(j.activities)}</td>
                    <td data-testid="job-activities">{activitySummary(j, j.progress)}</td>
                    <td className="num">{formatCount(j.progress.rowsWritten)}</td>
                    <td>{formatDate(j.queuedAt)}</td>
                    <td className="num">{formatDuration(j.progress.elapsedMs)}</td>
                    <td>{j.createdBy?.name ?? "System"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <EmptyState title="No jobs" testId="jobs-empty">
            {filters.state || filters.dataset || filters.user
              ? "No job matches these filters."
              : "Build a dataset from the Flow and its job appears here."}
          </EmptyState>
        )}
      </Panel>
    </main>
  );
}
