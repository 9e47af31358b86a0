"use client";

import { useParams } from "next/navigation";
import { Badge } from "./badge.tsx";
import "./job-progress.css";
import { buildProgressOf, useProjectJobs } from "./use-job-events.ts";

/**
 * On a Flow dataset node: a thin bar with the progress of the job that builds it (live, over SSE),
 * or an "Outdated" badge when it was not built from the current recipe and inputs.
 */
export function NodeBuildProgress({ datasetId, outdated }: { datasetId: string; outdated?: boolean }) {
  const projectId = useParams<{ projectId: string }>()?.projectId;
  const p = buildProgressOf(useProjectJobs(projectId), datasetId);
  if (p) {
    const pct = p.total ? Math.round((p.done / p.total) * 100) : 0;
    return (
      <span
        className="node-progress"
        role="progressbar"
        aria-label="Build progress"
        aria-valuemin={0}
        aria-valuemax={p.total}
        aria-valuenow={p.done}
        data-running={p.running}
        data-testid={`node-progress-${datasetId}`}
      >
        <span className="node-progress-fill" style={{ width: `${Math.max(pct, 8)}%` }} />
      </span>
    );
  }
  return outdated ? (
    <Badge tone="warning" testId={`node-outdated-${datasetId}`}>
      Outdated
    </Badge>
  ) : null;
}
