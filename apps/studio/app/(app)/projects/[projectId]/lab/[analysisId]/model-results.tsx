"use client";

import {
  bestF1Step,
  HIGHER_IS_BETTER,
  METRICS_BY_TASK,
  type MlTrainingDto,
  type ModelCharts,
  metricsAtThreshold,
  type SearchResult,
} from "@sous/ml";
import { useEffect, useMemo, useState } from "react";
import { apiCall, errorMessage } from "@/ui/api.ts";
import { Button } from "@/ui/button.tsx";
import { FormError } from "@/ui/field.tsx";
import { plural } from "@/ui/format.ts";
import { Panel } from "@/ui/panel.tsx";
import { BarList, CurveChart, ScatterChart } from "../_charts/charts.tsx";
import { ALGORITHM_LABEL, formatMetric, METRIC_LABEL } from "../lab-labels.ts";
import { DeployDialog } from "./deploy-dialog.tsx";

// The results of one trained model: its metrics, its settings and training time, the charts of
// its task, and "Deploy to Flow". For two classes, a threshold slider recomputes the confusion
// matrix and its metrics from the stored score histogram, in the browser.

export function ModelResults({
  projectId,
  training,
  modelIndex,
  canEdit,
  savedModels,
}: {
  projectId: string;
  training: MlTrainingDto | null;
  modelIndex: number;
  canEdit: boolean;
  savedModels: { id: string; name: string }[];
}) {
  const [charts, setCharts] = useState<ModelCharts | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [deploying, setDeploying] = useState(false);
  const result = training?.result?.ok ? training.result : null;
  const model = result?.models[modelIndex] ?? null;
  useEffect(() => {
    if (!training || !model) return;
    apiCall("GET /projects/{projectId}/ml/trainings/{trainingId}/models/{modelIndex}/charts", {
      params: { projectId, trainingId: training.id, modelIndex },
    })
      .then(setCharts)
      .catch((e) => setError(errorMessage(e)));
  }, [projectId, training, model, modelIndex]);
  if (!training || !result || !model) return null;
  const classes = result.classes ?? [];
  return (
    <Panel
      title={`${ALGORITHM_LABEL[model.algorithm.algorithm]} · training #${training.number}`}
      testId="model-results"
      actions={
        canEdit ? (
          <Button onClick={() => setDeploying(true)} data-testid="deploy-model">
            Deploy to Flow
          </Button>
        ) : null
      }
    >
      <dl className="metric-cards" data-testid="model-metrics">
        {METRICS_BY_TASK[result.task].map((k) => (
          <div key={k} className={result.best.metric === k ? "optimised" : ""}>
            <dt>{METRIC_LABEL[k]}</dt>
            <dd data-metric={k}>
              {formatMetric(k, model.metrics[k])}
              {model.metricsStd?.[k] !== undefined ? (
                <span className="muted small" data-testid="metric-std">
                  {" "}
                  ± {formatMetric(k, model.metricsStd[k])}
                </span>
              ) : null}
            </dd>
          </div>
        ))}
        <div>
          <dt>Train time</dt>
          <dd>{(model.trainMs / 1000).toFixed(2)} s</dd>
        </div>
      </dl>
      <p className="muted small" data-testid="model-validation">
        {result.rows.folds
          ? `Metrics: mean ± standard deviation over ${plural(result.rows.folds, "fold")} of ${plural(result.rows.train, "row")}; the model is refitted on all of them.`
          : result.timeSplit
            ? `Trained on ${plural(result.rows.train, "row")} up to ${result.timeSplit.trainUntil}, tested on the ${plural(result.rows.test, "latest row")} from ${result.timeSplit.testFrom} (${result.timeSplit.column}).`
            : `Trained on ${plural(result.rows.train, "row")}, tested on ${plural(result.rows.test, "held-out row")}.`}
      </p>
      <p className="muted small">
        Settings:{" "}
        {Object.entries(model.algorithm)
          .filter(([k]) => k !== "algorithm" && k !== "grid")
          .map(([k, v]) => `${k} ${v ?? "unlimited"}`)
          .join(", ")}
      </p>
      {model.search ? <SearchResults search={model.search} /> : null}
      <FormError message={error} />
      {charts ? (
        <div className="chart-grid">
          {charts.roc ? <BinaryCharts charts={charts} classes={classes.map(String)} /> : null}
          {!charts.roc && charts.confusion ? (
            <Confusion matrix={charts.confusion} classes={classes.map(String)} />
          ) : null}
          {charts.scatter ? (
            <ScatterChart points={charts.scatter} title="Predicted vs actual" testId="scatter-chart" />
          ) : null}
          {charts.residuals ? (
            <BarList
              title="Residuals (predicted − actual)"
              items={charts.residuals.counts.map((c, i) => ({
                label: `${charts.residuals!.edges[i]!.toPrecision(3)} … ${charts.residuals!.edges[i + 1]!.toPrecision(3)}`,
                value: c,
              }))}
              format={(v) => String(v)}
            />
          ) : null}
          <BarList
            title="Feature importance"
            items={charts.importances.map((i) => ({ label: i.feature, value: i.importance }))}
            testId="importances"
          />
        </div>
      ) : null}
      {deploying ? (
        <DeployDialog
          projectId={projectId}
          trainingId={training.id}
          modelIndex={modelIndex}
          defaultName={`${result.target}_model`}
          savedModels={savedModels}
          onClose={() => setDeploying(false)}
        />
      ) : null}
    </Panel>
  );
}

function BinaryCharts({ charts, classes }: { charts: ModelCharts; classes: string[] }) {
  const histogram = charts.scoreHistogram!;
  const [step, setStep] = useState(50);
  const m = useMemo(() => metricsAtThreshold(histogram, step), [histogram, step]);
  const fpr = m.fp + m.tn === 0 ? 0 : m.fp / (m.fp + m.tn);
  const [negative = "0", positive = "1"] = classes;
  return (
    <>
      <CurveChart
        points={charts.roc!}
        title="ROC curve"
        xLabel="false positive rate"
        yLabel="true positive rate"
        diagonal
        marker={[fpr, m.recall]}
        testId="roc-chart"
      />
      <CurveChart
        points={charts.pr!}
        title="Precision-recall"
        xLabel="recall"
        yLabel="precision"
        marker={[m.recall, m.precision]}
        testId="pr-chart"
      />
      <div className="threshold" data-testid="threshold">
        <label className="threshold-label">
          Threshold <strong data-testid="threshold-value">{m.threshold.toFixed(2)}</strong>
          <input
            type="range"
            min={0}
            max={histogram.positives.length}
            value={step}
            onChange={(e) => setStep(Number(e.target.value))}
            aria-label="Decision threshold"
            data-testid="threshold-slider"
          />
        </label>
        <button type="button" className="link" onClick={() => setStep(bestF1Step(histogram))}>
          best F1
        </button>
        <Confusion
          matrix={[
            [m.tn, m.fp],
            [m.fn, m.tp],
          ]}
          classes={[negative, positive]}
        />
        <dl className="metric-cards small" data-testid="threshold-metrics">
          {(["accuracy", "precision", "recall", "f1"] as const).map((k) => (
            <div key={k}>
              <dt>{METRIC_LABEL[k]}</dt>
              <dd data-metric={k}>{m[k].toFixed(4)}</dd>
            </div>
          ))}
        </dl>
      </div>
      {charts.calibration?.length ? (
        <CurveChart
          points={charts.calibration.map((c) => [c.predicted, c.observed] as const)}
          title="Calibration"
          xLabel="mean predicted probability"
          yLabel="observed frequency"
          diagonal
        />
      ) : null}
    </>
  );
}

function Confusion({ matrix, classes }: { matrix: number[][]; classes: string[] }) {
  const total = matrix.flat().reduce((a, b) => a + b, 0) || 1;
  return (
    <table className="confusion" data-testid="confusion-matrix">
      <caption>Actual (rows) × predicted (columns)</caption>
      <thead>
        <tr>
          <th />
          {classes.map((c) => (
            <th key={c}>{c}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {matrix.map((row, i) => (
          <tr key={classes[i] ?? i}>
            <th>{classes[i]}</th>
            {row.map((n, j) => (
              <td
                // biome-ignore lint/suspicious/noArrayIndexKey: a cell is its column
                key={j}
                className={i === j ? "diag" : "off"}
                style={{ "--share": n / total } as React.CSSProperties}
                data-cell={`${i}-${j}`}
              >
                {n}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Every combination the search tried with its validation score, best first; the kept one marked. */
function SearchResults({ search }: { search: SearchResult }) {
  const keys = [...new Set(search.tried.flatMap((t) => Object.keys(t.params)))];
  const higher = HIGHER_IS_BETTER[search.metric];
  const order = search.tried
    .map((t, i) => ({ ...t, i }))
    .sort((a, b) => {
      if (a.score === null || b.score === null) return a.score === null ? 1 : -1;
      return higher ? b.score - a.score : a.score - b.score;
    });
  return (
    <div className="lab-scroll grid-results-scroll">
      <h4 className="small">
        Hyperparameter search: {plural(search.tried.length, "combination")} tried of {search.gridSize}, by{" "}
        {METRIC_LABEL[search.metric]} on the validation rows
      </h4>
      <table className="lab-table grid-results" data-testid="grid-results">
        <thead>
          <tr>
            {keys.map((k) => (
              <th key={k}>{k}</th>
            ))}
            <th>{METRIC_LABEL[search.metric]}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {order.map((t) => (
            <tr key={t.i} data-testid="grid-row" data-best={t.i === search.best || undefined}>
              {keys.map((k) => (
                <td key={k}>{t.params[k] === null ? "none" : String(t.params[k] ?? "")}</td>
              ))}
              <td className={t.i === search.best ? "best" : ""}>
                {t.score === null ? "–" : formatMetric(search.metric, t.score)}
                {t.std !== undefined ? ` ± ${formatMetric(search.metric, t.std)}` : ""}
              </td>
              <td>{t.i === search.best ? <strong>kept</strong> : null}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
