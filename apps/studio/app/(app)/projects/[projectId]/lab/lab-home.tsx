"use client";

import type { Column } from "@sous/contracts";
import {
  HIGHER_IS_BETTER,
  METRICS_BY_TASK,
  type Metric,
  type MlAnalysisSummarySchema,
  type MlTask,
  type ModelRowSchema,
  type SavedModelDto,
} from "@sous/ml";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { type FormEvent, useMemo, useState } from "react";
import type { z } from "zod";
import { apiCall, errorMessage } from "@/ui/api.ts";
import { Badge } from "@/ui/badge.tsx";
import { Button } from "@/ui/button.tsx";
import { Field, FormError, Select } from "@/ui/field.tsx";
import { formatDate, plural } from "@/ui/format.ts";
import { PlusIcon } from "@/ui/icons.tsx";
import { EmptyState, Panel } from "@/ui/panel.tsx";
import { ALGORITHM_LABEL, formatMetric, METRIC_LABEL, TASK_LABEL } from "./lab-labels.ts";

type Analysis = z.infer<typeof MlAnalysisSummarySchema>;
type ModelRow = z.infer<typeof ModelRowSchema>;

export function LabHome({
  projectId,
  canEdit,
  datasets,
  initialDatasetId,
  analyses,
  models,
  savedModels,
}: {
  projectId: string;
  canEdit: boolean;
  datasets: { id: string; name: string; columns: Column[] }[];
  initialDatasetId: string | null;
  analyses: Analysis[];
  models: ModelRow[];
  savedModels: SavedModelDto[];
}) {
  return (
    <div className="stack-24">
      {canEdit ? (
        <Panel title="Create a model">
          <CreateModelForm projectId={projectId} datasets={datasets} initialDatasetId={initialDatasetId} />
        </Panel>
      ) : null}
      <Panel title="Analyses" testId="lab-analyses">
        {analyses.length === 0 ? (
          <EmptyState title="No analysis yet">
            Choose a dataset and the column to predict above: Sous suggests the features and trains for you.
          </EmptyState>
        ) : (
          <table className="lab-table">
            <thead>
              <tr>
                <th>Analysis</th>
                <th>Dataset</th>
                <th>Task</th>
                <th>Target</th>
                <th className="num">Trainings</th>
                <th>Changed</th>
              </tr>
            </thead>
            <tbody>
              {analyses.map((a) => (
                <tr key={a.id}>
                  <td>
                    <Link href={`/projects/${projectId}/lab/${a.id}`} data-testid="analysis-link">
                      {a.name}
                    </Link>
                  </td>
                  <td>{a.datasetName}</td>
                  <td>{TASK_LABEL[a.design.task]}</td>
                  <td>
                    <code>{a.design.target}</code>
                  </td>
                  <td className="num">{a.trainingCount}</td>
                  <td className="muted">{formatDate(a.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Panel>
      <ModelsTable projectId={projectId} models={models} />
      <Panel title="Saved models" testId="saved-models">
        {savedModels.length === 0 ? (
          <p className="muted">Deploy a trained model to the Flow to score other datasets with it.</p>
        ) : (
          <ul className="saved-models">
            {savedModels.map((m) => {
              const active = m.versions.find((v) => v.active);
              return (
                <li key={m.id} data-testid="saved-model">
                  <strong>{m.name}</strong>
                  <span className="muted">
                    {plural(m.versions.length, "version")}
                    {active
                      ? `, active: v${active.number} (${ALGORITHM_LABEL[active.algorithm.algorithm]})`
                      : ""}
                  </span>
                  {active?.portable ? <Badge tone="success">scores without Python</Badge> : null}
                </li>
              );
            })}
          </ul>
        )}
      </Panel>
    </div>
  );
}

function CreateModelForm({
  projectId,
  datasets,
  initialDatasetId,
}: {
  projectId: string;
  datasets: { id: string; name: string; columns: Column[] }[];
  initialDatasetId: string | null;
}) {
  const router = useRouter();
  const [datasetId, setDatasetId] = useState(
    datasets.find((d) => d.id === initialDatasetId)?.id ?? datasets[0]?.id ?? "",
  );
  const columns = datasets.find((d) => d.id === datasetId)?.columns ?? [];
  const [target, setTarget] = useState("");
  const [task, setTask] = useState<MlTask | "">("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const a = await apiCall("POST /projects/{projectId}/ml/analyses", {
        params: { projectId },
        body: { datasetId, target, ...(task ? { task } : {}) },
      });
      router.push(`/projects/${projectId}/lab/${a.id}`);
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  }

  if (datasets.length === 0)
    return <p className="muted">Import or build a dataset first: models train on a dataset's rows.</p>;
  return (
    <form className="lab-create" onSubmit={submit} data-testid="create-model-form">
      <Field label="Dataset">
        {({ id }) => (
          <Select
            id={id}
            value={datasetId}
            onChange={(e) => {
              setDatasetId(e.target.value);
              setTarget("");
            }}
            data-testid="create-model-dataset"
          >
            {datasets.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name}
              </option>
            ))}
          </Select>
        )}
      </Field>
      <Field label="Column to predict">
        {({ id }) => (
          <Select
            id={id}
            value={target}
            onChange={(e) => setTarget(e.target.value)}
            required
            data-testid="create-model-target"
          >
            <option value="" disabled>
              Choose a column
            </option>
            {columns.map((c) => (
              <option key={c.name} value={c.name}>
                {c.name} ({c.type})
              </option>
            ))}
          </Select>
        )}
      </Field>
      <Field label="Task">
        {({ id }) => (
          <Select
            id={id}
            value={task}
            onChange={(e) => setTask(e.target.value as MlTask | "")}
            data-testid="create-model-task"
          >
            <option value="">Guess from the column</option>
            {(Object.keys(TASK_LABEL) as MlTask[]).map((t) => (
              <option key={t} value={t}>
                {TASK_LABEL[t]}
              </option>
            ))}
          </Select>
        )}
      </Field>
      <Button type="submit" icon={<PlusIcon />} disabled={busy || !target} data-testid="create-model-submit">
        {busy ? "Creating…" : "Create"}
      </Button>
      <FormError message={error} testId="create-model-error" />
    </form>
  );
}

/** Every model of every training, sortable by any metric (each in its better direction first). */
function ModelsTable({ projectId, models }: { projectId: string; models: ModelRow[] }) {
  const metrics = useMemo(() => {
    const seen = new Set<Metric>();
    for (const m of models) for (const k of METRICS_BY_TASK[m.task]) seen.add(k);
    return [...seen];
  }, [models]);
  const [sortBy, setSortBy] = useState<Metric | null>(null);
  const sorted = useMemo(() => {
    if (!sortBy) return models;
    const sign = HIGHER_IS_BETTER[sortBy] ? -1 : 1;
    return [...models].sort((a, b) => {
      const x = a.metrics[sortBy];
      const y = b.metrics[sortBy];
      if (x === undefined) return 1;
      if (y === undefined) return -1;
      return sign * (x - y);
    });
  }, [models, sortBy]);
  return (
    <Panel title="Models" testId="lab-models">
      {models.length === 0 ? (
        <p className="muted">Trained models of every analysis appear here, to compare them.</p>
      ) : (
        <div className="lab-scroll">
          <table className="lab-table">
            <thead>
              <tr>
                <th>Analysis</th>
                <th>Algorithm</th>
                {metrics.map((k) => (
                  <th key={k} className="num">
                    <button
                      type="button"
                      className={`sort ${sortBy === k ? "active" : ""}`}
                      onClick={() => setSortBy(k)}
                      title={`Sort by ${METRIC_LABEL[k]}, best first`}
                      data-testid={`sort-${k}`}
                    >
                      {METRIC_LABEL[k]}
                    </button>
                  </th>
                ))}
                <th className="num">Train time</th>
              </tr>
            </thead>
            <tbody>
              {sorted.map((m) => (
                <tr key={`${m.trainingId}-${m.modelIndex}`} data-testid="model-row">
                  <td>
                    <Link
                      href={`/projects/${projectId}/lab/${m.analysisId}?training=${m.trainingId}&model=${m.modelIndex}`}
                    >
                      {m.analysisName} #{m.trainingNumber}
                    </Link>
                  </td>
                  <td>
                    {ALGORITHM_LABEL[m.algorithm.algorithm]}{" "}
                    {m.best ? <Badge tone="accent">best</Badge> : null}
                  </td>
                  {metrics.map((k) => (
                    <td key={k} className="num">
                      {formatMetric(k, m.metrics[k])}
                    </td>
                  ))}
                  <td className="num">{(m.trainMs / 1000).toFixed(2)} s</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Panel>
  );
}
