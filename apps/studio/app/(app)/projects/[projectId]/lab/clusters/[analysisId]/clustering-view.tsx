"use client";

import {
  CLUSTER_ALGORITHM_SUPPORT,
  type ClusterAlgorithm,
  type ClusterAnalysisDto,
  type ClusterDesign,
  type ClusterModel,
  type ClusterTrainingDto,
} from "@sous/ml";
import { useEffect, useState } from "react";
import { apiCall, errorMessage } from "@/ui/api.ts";
import { Badge } from "@/ui/badge.tsx";
import { Button } from "@/ui/button.tsx";
import { Checkbox, Field, FormError, Input, Select } from "@/ui/field.tsx";
import { Panel } from "@/ui/panel.tsx";
import { DeployDialog } from "../../[analysisId]/deploy-dialog.tsx";

const LABEL: Record<ClusterAlgorithm["algorithm"], string> = {
  kmeans: "k-means",
  gaussianMixture: "Gaussian mixture",
  bisectingKmeans: "Bisecting k-means",
};
const running = (t: ClusterTrainingDto) => t.state === "QUEUED" || t.state === "RUNNING";

export function ClusteringView({
  projectId,
  canEdit,
  initial,
  savedModels = [],
}: {
  projectId: string;
  canEdit: boolean;
  initial: ClusterAnalysisDto;
  /** Saved models trained on the same dataset (a deploy can add a version to one). */
  savedModels?: { id: string; name: string }[];
}) {
  const [analysis, setAnalysis] = useState(initial);
  const [design, setDesign] = useState<ClusterDesign>(initial.design);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const params = { projectId, analysisId: analysis.id };
  const dirty = JSON.stringify(design) !== JSON.stringify(analysis.design);

  // While a training runs, the page follows it.
  const active = analysis.trainings.some(running);
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => {
      apiCall("GET /projects/{projectId}/ml/clusterings/{analysisId}", { params })
        .then(setAnalysis)
        .catch(() => {});
    }, 1500);
    return () => clearInterval(timer);
  });

  async function save(): Promise<ClusterAnalysisDto> {
    const a = await apiCall("PUT /projects/{projectId}/ml/clusterings/{analysisId}", {
      params,
      body: { design, version: analysis.version },
    });
    setAnalysis(a);
    setDesign(a.design);
    return a;
  }

  async function run(what: "save" | "train") {
    setBusy(true);
    setError(null);
    try {
      if (dirty || what === "save") await save();
      if (what === "train") {
        await apiCall("POST /projects/{projectId}/ml/clusterings/{analysisId}/trainings", { params });
        setAnalysis(await apiCall("GET /projects/{projectId}/ml/clusterings/{analysisId}", { params }));
      }
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  const setAlgorithm = (i: number, a: ClusterAlgorithm) =>
    setDesign({ ...design, algorithms: design.algorithms.map((x, j) => (j === i ? a : x)) });
  const engine = design.engine.kind;

  return (
    <div className="stack-24">
      <Panel title="Design" testId="cluster-design">
        <div className="stack-16">
          <div>
            <h3>Features</h3>
            <p className="muted">
              Handled as for prediction: numbers imputed and rescaled, categories one-hot encoded.
            </p>
            <div className="cluster-features">
              {design.features.map((f, i) => (
                <Checkbox
                  key={f.name}
                  label={`${f.name} (${f.type})`}
                  checked={f.include}
                  disabled={!canEdit}
                  data-testid={`cluster-feature-${f.name}`}
                  onChange={(e) =>
                    setDesign({
                      ...design,
                      features: design.features.map((g, j) =>
                        j === i ? { ...g, include: e.target.checked } : g,
                      ),
                    })
                  }
                />
              ))}
            </div>
          </div>
          <div className="cluster-algorithms">
            <h3>Algorithms</h3>
            {design.algorithms.map((a, i) => {
              const support = CLUSTER_ALGORITHM_SUPPORT[a.algorithm][engine];
              return (
                <div
                  // biome-ignore lint/suspicious/noArrayIndexKey: the position is the identity (algorithm i, cluster c)
                  key={`${a.algorithm}-${i}`}
                  className="cluster-algorithm"
                  data-testid="cluster-algorithm"
                >
                  <Field label="Algorithm">
                    {({ id }) => (
                      <Select
                        id={id}
                        value={a.algorithm}
                        disabled={!canEdit}
                        onChange={(e) =>
                          setAlgorithm(i, {
                            ...a,
                            algorithm: e.target.value as ClusterAlgorithm["algorithm"],
                          })
                        }
                        data-testid="cluster-algorithm-kind"
                      >
                        {(Object.keys(LABEL) as ClusterAlgorithm["algorithm"][]).map((k) => (
                          <option key={k} value={k}>
                            {LABEL[k]}
                            {CLUSTER_ALGORITHM_SUPPORT[k][engine].available ? "" : " (not on this engine)"}
                          </option>
                        ))}
                      </Select>
                    )}
                  </Field>
                  <Field label="k">
                    {({ id }) => (
                      <Input
                        id={id}
                        type="number"
                        min={2}
                        max={100}
                        value={a.k}
                        disabled={!canEdit}
                        onChange={(e) => setAlgorithm(i, { ...a, k: Number(e.target.value) })}
                        data-testid="cluster-k"
                      />
                    )}
                  </Field>
                  <Field label="k to try (best silhouette)">
                    {({ id }) => (
                      <Input
                        id={id}
                        value={(a.kGrid ?? []).join(", ")}
                        placeholder="e.g. 2, 3, 4"
                        disabled={!canEdit}
                        onChange={(e) => {
                          const ks = e.target.value
                            .split(/[\s,]+/)
                            .filter(Boolean)
                            .map(Number)
                            .filter((n) => Number.isInteger(n));
                          const { kGrid: _, ...rest } = a;
                          setAlgorithm(i, ks.length ? { ...rest, kGrid: ks } : rest);
                        }}
                        data-testid="cluster-kgrid"
                      />
                    )}
                  </Field>
                  <Field label="Max iterations">
                    {({ id }) => (
                      <Input
                        id={id}
                        type="number"
                        min={1}
                        value={a.maxIter}
                        disabled={!canEdit}
                        onChange={(e) => setAlgorithm(i, { ...a, maxIter: Number(e.target.value) })}
                      />
                    )}
                  </Field>
                  {canEdit ? (
                    <Button
                      variant="ghost"
                      onClick={() =>
                        setDesign({ ...design, algorithms: design.algorithms.filter((_, j) => j !== i) })
                      }
                    >
                      Remove
                    </Button>
                  ) : null}
                  <Badge tone={support.available ? "neutral" : "danger"} testId="cluster-engine-note">
                    {support.note}
                  </Badge>
                </div>
              );
            })}
            {canEdit ? (
              <div>
                <Button
                  variant="secondary"
                  onClick={() =>
                    setDesign({
                      ...design,
                      algorithms: [
                        ...design.algorithms,
                        {
                          algorithm: engine === "local" ? "gaussianMixture" : "bisectingKmeans",
                          k: 3,
                          maxIter: 100,
                        },
                      ],
                    })
                  }
                  data-testid="cluster-add-algorithm"
                >
                  Add an algorithm
                </Button>
              </div>
            ) : null}
          </div>
          <Field label="Seed">
            {({ id }) => (
              <Input
                id={id}
                type="number"
                min={0}
                value={design.seed}
                disabled={!canEdit}
                onChange={(e) => setDesign({ ...design, seed: Number(e.target.value) })}
              />
            )}
          </Field>
          {analysis.problems.length > 0 && !dirty ? (
            <ul className="problems" data-testid="cluster-problems">
              {analysis.problems.map((p) => (
                <li key={p.path + p.message}>{p.message}</li>
              ))}
            </ul>
          ) : null}
          <FormError message={error} testId="cluster-error" />
          {canEdit ? (
            <div className="row-8">
              <Button variant="secondary" onClick={() => run("save")} loading={busy} disabled={!dirty}>
                Save
              </Button>
              <Button
                variant="primary"
                onClick={() => run("train")}
                loading={busy}
                data-testid="cluster-train"
              >
                Train
              </Button>
            </div>
          ) : null}
        </div>
      </Panel>
      <CompareTable
        projectId={projectId}
        canEdit={canEdit}
        savedModels={savedModels}
        defaultName={`${analysis.datasetName}_clusters`}
        trainings={analysis.trainings}
      />
      {analysis.trainings.map((t) => (
        <TrainingResults key={t.id} training={t} />
      ))}
    </div>
  );
}

/** Every model of every training of the analysis, best silhouette first; each deploys to the Flow. */
function CompareTable({
  projectId,
  canEdit,
  savedModels,
  defaultName,
  trainings,
}: {
  projectId: string;
  canEdit: boolean;
  savedModels: { id: string; name: string }[];
  defaultName: string;
  trainings: ClusterTrainingDto[];
}) {
  const [deploying, setDeploying] = useState<{ trainingId: string; modelIndex: number } | null>(null);
  const rows = trainings
    .flatMap((t) => (t.result?.ok ? t.result.models.map((m, i) => ({ t, m, i })) : []))
    .sort((a, b) => (b.m.metrics.silhouette ?? -2) - (a.m.metrics.silhouette ?? -2));
  if (rows.length === 0) return null;
  return (
    <Panel title="Models" testId="cluster-models">
      <table className="lab-table">
        <thead>
          <tr>
            <th>Training</th>
            <th>Algorithm</th>
            <th className="num">k</th>
            <th className="num">Silhouette</th>
            <th className="num">Smallest / largest cluster</th>
            <th>Scores</th>
            {canEdit ? <th /> : null}
          </tr>
        </thead>
        <tbody>
          {rows.map(({ t, m, i }) => (
            <tr key={`${t.id}-${m.pickle}`}>
              <td>#{t.number}</td>
              <td>{LABEL[m.algorithm.algorithm]}</td>
              <td className="num">{m.k}</td>
              <td className="num">{m.metrics.silhouette?.toFixed(4) ?? "—"}</td>
              <td className="num">
                {Math.min(...m.sizes)} / {Math.max(...m.sizes)}
              </td>
              <td>
                {m.portable
                  ? `in SQL (${sqlForm(m.algorithm.algorithm)})`
                  : `in its runtime (${t.engine === "local" ? "scikit-learn" : "MLlib"})`}
              </td>
              {canEdit ? (
                <td>
                  <Button
                    size="sm"
                    variant="secondary"
                    onClick={() => setDeploying({ trainingId: t.id, modelIndex: i })}
                    data-testid="deploy-cluster-model"
                  >
                    Deploy to Flow
                  </Button>
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
      {deploying ? (
        <DeployDialog
          projectId={projectId}
          trainingId={deploying.trainingId}
          modelIndex={deploying.modelIndex}
          defaultName={defaultName}
          savedModels={savedModels}
          onClose={() => setDeploying(null)}
        />
      ) : null}
    </Panel>
  );
}

function TrainingResults({ training }: { training: ClusterTrainingDto }) {
  const r = training.result;
  return (
    <Panel
      title={`Training #${training.number}`}
      actions={
        <Badge
          tone={
            training.state === "SUCCEEDED" ? "success" : training.state === "FAILED" ? "danger" : "neutral"
          }
          pulse={running(training)}
          testId="cluster-training-state"
        >
          {training.state}
        </Badge>
      }
      testId="cluster-training"
    >
      {r && !r.ok ? <p className="error">{r.error.message}</p> : null}
      {!r && training.error ? <p className="error">{training.error}</p> : null}
      {r?.ok ? (
        <div className="stack-24">
          {r.models.map((m, i) => (
            <ModelResult key={m.pickle} model={m} best={r.best.index === i} rows={r.rows.read} />
          ))}
        </div>
      ) : null}
    </Panel>
  );
}

function ModelResult({ model: m, best, rows }: { model: ClusterModel; best: boolean; rows: number }) {
  const largest = Math.max(...m.sizes);
  return (
    <section className="stack-16" data-testid="cluster-model">
      <h3>
        {LABEL[m.algorithm.algorithm]}, k = {m.k} {best ? <Badge tone="success">best</Badge> : null}
      </h3>
      <div className="muted">
        Silhouette{" "}
        <strong data-testid="cluster-silhouette">{m.metrics.silhouette?.toFixed(4) ?? "undefined"}</strong>
        {m.kSearch
          ? `; k tried: ${m.kSearch.tried.map((t) => `${t.k} (${t.silhouette?.toFixed(3) ?? "—"})`).join(", ")}`
          : ""}
        ; trained in {(m.trainMs / 1000).toFixed(1)} s;{" "}
        {m.portable
          ? `scores in SQL (${sqlForm(m.algorithm.algorithm)})`
          : "scores through its own runtime, not SQL"}
      </div>
      <div>
        <h4>Cluster sizes</h4>
        <div className="cluster-sizes" data-testid="cluster-sizes">
          {m.sizes.map((n, c) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: the position is the identity (algorithm i, cluster c)
            <Size key={`size-${c}-${n}`} cluster={c} n={n} largest={largest} rows={rows} />
          ))}
        </div>
      </div>
      <Profiles model={m} />
    </section>
  );
}

function Size({ cluster, n, largest, rows }: { cluster: number; n: number; largest: number; rows: number }) {
  return (
    <>
      <span>Cluster {cluster}</span>
      <div className="cluster-bar" style={{ width: `${(100 * n) / Math.max(largest, 1)}%` }} />
      <span className="num">
        {n} ({((100 * n) / Math.max(rows, 1)).toFixed(1)} %)
      </span>
    </>
  );
}

/** Per cluster, each numeric feature's mean (a bar for its gap to the whole data) and each categorical one's top level. */
function Profiles({ model: m }: { model: ClusterModel }) {
  const clusters = m.sizes.map((_, c) => c);
  return (
    <div>
      <h4>Cluster profiles</h4>
      <table className="lab-table cluster-profiles" data-testid="cluster-profiles">
        <thead>
          <tr>
            <th>Feature</th>
            <th>All rows</th>
            {clusters.map((c) => (
              <th key={`h${c}`}>Cluster {c}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {m.profiles.numeric.map((p) => {
            const spread = Math.max(...p.clusters.map((v) => Math.abs((v ?? 0) - (p.overall ?? 0))), 1e-12);
            return (
              <tr key={p.feature}>
                <td>
                  <code>{p.feature}</code> (mean)
                </td>
                <td>{fmt(p.overall)}</td>
                {p.clusters.map((v, c) => {
                  const gap = (v ?? 0) - (p.overall ?? 0);
                  return (
                    <td key={`${p.feature}-${clusters[c]}`}>
                      <div className="cluster-cell">
                        <span>{fmt(v)}</span>
                        <span
                          className={`cluster-delta ${gap >= 0 ? "up" : "down"}`}
                          style={{ width: `${(40 * Math.abs(gap)) / spread}px` }}
                          title={`${gap >= 0 ? "+" : ""}${fmt(gap)} vs all rows`}
                        />
                      </div>
                    </td>
                  );
                })}
              </tr>
            );
          })}
          {m.profiles.categorical.map((p) => (
            <tr key={p.feature}>
              <td>
                <code>{p.feature}</code> (top level)
              </td>
              <td>{p.overall ? `${p.overall.level} (${(p.overall.share * 100).toFixed(0)} %)` : "—"}</td>
              {p.clusters.map((v, c) => (
                <td key={`${p.feature}-${clusters[c]}`}>
                  <span className={`cluster-level${v && v.level !== p.overall?.level ? " differs" : ""}`}>
                    {v ? `${v.level} (${(v.share * 100).toFixed(0)} %)` : "—"}
                  </span>
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const fmt = (v: number | null) =>
  v === null ? "—" : Math.abs(v) >= 1000 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(3);

/** How a clustering's portable form assigns a row in SQL (a bisecting k-means walks its tree, as MLlib). */
const sqlForm = (algorithm: string) =>
  algorithm === "bisectingKmeans" ? "down its tree of centroids" : "nearest centroid";
