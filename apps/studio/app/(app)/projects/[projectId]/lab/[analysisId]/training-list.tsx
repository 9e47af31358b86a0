"use client";

import { METRICS_BY_TASK, type MlTrainingDto } from "@sous/ml";
import Link from "next/link";
import { Badge, type BadgeTone } from "@/ui/badge.tsx";
import { formatDate } from "@/ui/format.ts";
import { Panel } from "@/ui/panel.tsx";
import { ALGORITHM_LABEL, formatMetric, METRIC_LABEL } from "../lab-labels.ts";
import type { Selection } from "./analysis-view.tsx";

// The trainings of an analysis, newest first: state, and for a finished one its models with their
// test metrics. Choosing a model shows its results.

const TONE: Record<MlTrainingDto["state"], BadgeTone> = {
  QUEUED: "neutral",
  RUNNING: "accent",
  SUCCEEDED: "success",
  FAILED: "danger",
  CANCELLED: "warning",
};

export function TrainingList({
  projectId,
  trainings,
  selection,
  onSelect,
}: {
  projectId: string;
  trainings: MlTrainingDto[];
  selection: Selection | null;
  onSelect: (s: Selection) => void;
}) {
  return (
    <Panel title="Trainings" testId="trainings">
      {trainings.length === 0 ? (
        <p className="muted">
          Save the design and train: each algorithm is fitted and measured on the held-out rows.
        </p>
      ) : (
        <ol className="trainings">
          {trainings.map((t) => (
            <li key={t.id} data-testid="training" data-state={t.state}>
              <div className="training-head">
                <strong>#{t.number}</strong>
                <Badge tone={TONE[t.state]}>{t.state.toLowerCase()}</Badge>
                <span className="muted" data-testid="training-engine">
                  {t.engine === "databricks" ? "Spark MLlib on Databricks" : "scikit-learn on this machine"}
                </span>
                <span className="muted">{formatDate(t.createdAt)}</span>
                {t.result?.ok ? (
                  <span className="muted">
                    {t.result.rows.folds
                      ? `${t.result.rows.train.toLocaleString("en-US")} rows in ${t.result.rows.folds} folds, `
                      : `${t.result.rows.train.toLocaleString("en-US")} rows to train, ${t.result.rows.test.toLocaleString("en-US")} to test, `}
                    {(t.result.totalMs / 1000).toFixed(1)} s
                  </span>
                ) : null}
                <Link href={`/projects/${projectId}/jobs/${t.jobId}`} className="muted">
                  log
                </Link>
              </div>
              {t.result && !t.result.ok ? (
                <p className="training-error" data-testid="training-error">
                  {t.result.error.message}
                </p>
              ) : t.state === "FAILED" && t.error ? (
                <p className="training-error" data-testid="training-error">
                  {t.error}
                </p>
              ) : null}
              {t.result?.ok ? (
                <ModelTable training={t} result={t.result} selection={selection} onSelect={onSelect} />
              ) : null}
            </li>
          ))}
        </ol>
      )}
    </Panel>
  );
}

function ModelTable({
  training,
  result,
  selection,
  onSelect,
}: {
  training: MlTrainingDto;
  result: Extract<NonNullable<MlTrainingDto["result"]>, { ok: true }>;
  selection: Selection | null;
  onSelect: (s: Selection) => void;
}) {
  const metrics = METRICS_BY_TASK[result.task];
  return (
    <table className="lab-table">
      <thead>
        <tr>
          <th>Algorithm</th>
          {metrics.map((m) => (
            <th key={m} className="num">
              {METRIC_LABEL[m]}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {result.models.map((m, i) => {
          const chosen = selection?.trainingId === training.id && selection.modelIndex === i;
          return (
            <tr
              // biome-ignore lint/suspicious/noArrayIndexKey: a model is its index in the training
              key={i}
              className={chosen ? "chosen" : ""}
              data-testid="training-model"
            >
              <td>
                <button
                  type="button"
                  className="link"
                  onClick={() => onSelect({ trainingId: training.id, modelIndex: i })}
                >
                  {ALGORITHM_LABEL[m.algorithm.algorithm]}
                </button>{" "}
                {result.best.index === i ? <Badge tone="accent">best</Badge> : null}
              </td>
              {metrics.map((k) => (
                <td key={k} className="num">
                  {formatMetric(k, m.metrics[k])}
                </td>
              ))}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
