"use client";

import type { BuildMode, FlowNode } from "@sous/contracts";
import Link from "next/link";
import { useState } from "react";
import { Button } from "@/ui/button.tsx";
import { formatRows } from "@/ui/format.ts";
import { CheckIcon, CloseIcon, PlayIcon } from "@/ui/icons.tsx";
import { runOutcome } from "@/ui/job-summary.ts";
import { RunModeSelect } from "../jobs/build-mode-select.tsx";
import { isActive, type RunState } from "./use-runs.ts";

type DatasetNode = Extract<FlowNode, { type: "dataset" }>;

function Status({
  run,
  outputs,
  projectId,
}: {
  run: RunState | undefined;
  outputs: DatasetNode[];
  projectId: string;
}) {
  const first = outputs[0];
  if (!run) {
    const text = !first
      ? "This recipe writes no dataset."
      : first.state === "built"
        ? `${first.name} is built: ${formatRows(first.rowCount)}.`
        : first.state === "building"
          ? `${first.name} is being built…`
          : `${first.name} has never been built. Run the recipe to build it.`;
    return (
      <div className="job-status" data-state="idle" data-testid="job-status" role="status">
        <span className="job-status-text">{text}</span>
      </div>
    );
  }
  if (run.phase === "error") {
    return (
      <div className="job-status" data-state="error" data-testid="job-status" role="alert">
        <CloseIcon />
        <span className="job-status-text">{run.message}</span>
      </div>
    );
  }
  if (run.phase === "starting" || run.phase === "QUEUED" || run.phase === "RUNNING") {
    const text = run.phase === "starting" ? "Starting…" : run.phase === "QUEUED" ? "Queued…" : "Running…";
    return (
      <div
        className="job-status"
        data-state={run.phase}
        data-testid="job-status"
        role="status"
        aria-live="polite"
      >
        <span className="spinner" aria-hidden="true" />
        <span className="job-status-text">
          {text}
          {"job" in run ? (
            <>
              {" · "}
              <Link href={`/projects/${projectId}/jobs/${run.job.id}`} data-testid="open-job">
                Progress and log
              </Link>
            </>
          ) : null}
        </span>
      </div>
    );
  }
  const job = run.job;
  // The editor's run panel words it the same way (job-summary.ts): "Done: 1 row written", an
  // up-to-date run says so rather than "Done: 0 rows", and no "Cancelled: Cancelled.".
  const outcome = runOutcome(job);
  if (run.phase === "SUCCEEDED") {
    return (
      <div
        className="job-status"
        data-state="SUCCEEDED"
        data-testid="job-status"
        role="status"
        aria-live="polite"
      >
        <CheckIcon />
        <span className="job-status-text">
          {outcome.text}
          {first ? (
            <>
              {" · "}
              <Link href={`/projects/${projectId}/datasets/${first.id}`} data-testid="open-output">
                Open {first.name}
              </Link>
            </>
          ) : null}
        </span>
      </div>
    );
  }
  return (
    <div className="job-status" data-state={run.phase} data-testid="job-status" role="alert">
      <CloseIcon />
      <span className="job-status-text">
        {outcome.text}
        {" · "}
        <Link href={`/projects/${projectId}/jobs/${job.id}`} data-testid="open-job">
          Log
        </Link>
      </span>
    </div>
  );
}

export function RunSection({
  projectId,
  recipeName,
  outputs,
  run,
  canEdit,
  onRun,
}: {
  projectId: string;
  recipeName: string;
  outputs: DatasetNode[];
  run: RunState | undefined;
  canEdit: boolean;
  onRun: (mode: BuildMode) => void;
}) {
  const active = isActive(run);
  const [mode, setMode] = useState<BuildMode>("build-only-this");
  return (
    <section className="side-section" aria-label="Build">
      <h3>Build</h3>
      <Status run={run} outputs={outputs} projectId={projectId} />
      {canEdit ? (
        <div className="side-actions">
          <RunModeSelect mode={mode} setMode={setMode} disabled={active} />
          <Button
            variant="primary"
            icon={<PlayIcon />}
            data-testid="run-recipe"
            aria-label={`Run ${recipeName}`}
            onClick={() => onRun(mode)}
            loading={active}
            disabled={outputs.length === 0}
          >
            Run
          </Button>
        </div>
      ) : null}
    </section>
  );
}
