"use client";

import type { ClusterAnalysisDto } from "@sous/ml";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { apiCall, errorMessage } from "@/ui/api.ts";
import { Button } from "@/ui/button.tsx";
import { Field, FormError, Select } from "@/ui/field.tsx";
import { formatDate } from "@/ui/format.ts";
import { PlusIcon } from "@/ui/icons.tsx";
import { Panel } from "@/ui/panel.tsx";

/** The Lab home's clustering part: create a clustering on a dataset (no target), and the list. */
export function ClusteringPanel({
  projectId,
  canEdit,
  datasets,
  clusterings,
}: {
  projectId: string;
  canEdit: boolean;
  datasets: { id: string; name: string }[];
  clusterings: ClusterAnalysisDto[];
}) {
  const router = useRouter();
  const [datasetId, setDatasetId] = useState(datasets[0]?.id ?? "");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const a = await apiCall("POST /projects/{projectId}/ml/clusterings", {
        params: { projectId },
        body: { datasetId },
      });
      router.push(`/projects/${projectId}/lab/clusters/${a.id}`);
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  }

  return (
    <Panel title="Clustering" testId="lab-clusterings">
      <p className="muted">
        Group the rows of a dataset into clusters, with no column to predict: k-means (locally and on
        Databricks), a Gaussian mixture (locally) or bisecting k-means (on Databricks).
      </p>
      {canEdit && datasets.length > 0 ? (
        <form className="lab-create" onSubmit={submit} data-testid="create-clustering-form">
          <Field label="Dataset">
            {({ id }) => (
              <Select
                id={id}
                value={datasetId}
                onChange={(e) => setDatasetId(e.target.value)}
                data-testid="create-clustering-dataset"
              >
                {datasets.map((d) => (
                  <option key={d.id} value={d.id}>
                    {d.name}
                  </option>
                ))}
              </Select>
            )}
          </Field>
          <Button type="submit" variant="primary" icon={<PlusIcon />} loading={busy}>
            Create a clustering
          </Button>
          <FormError message={error} />
        </form>
      ) : null}
      {clusterings.length > 0 ? (
        <table className="lab-table">
          <thead>
            <tr>
              <th>Clustering</th>
              <th>Dataset</th>
              <th className="num">Trainings</th>
              <th className="num">Best silhouette</th>
              <th>Changed</th>
            </tr>
          </thead>
          <tbody>
            {clusterings.map((a) => {
              const best = a.trainings
                .flatMap((t) => (t.result?.ok ? t.result.models : []))
                .map((m) => m.metrics.silhouette ?? Number.NEGATIVE_INFINITY)
                .reduce((x, y) => Math.max(x, y), Number.NEGATIVE_INFINITY);
              return (
                <tr key={a.id}>
                  <td>
                    <Link href={`/projects/${projectId}/lab/clusters/${a.id}`} data-testid="clustering-link">
                      {a.name}
                    </Link>
                  </td>
                  <td>{a.datasetName}</td>
                  <td className="num">{a.trainings.length}</td>
                  <td className="num">{Number.isFinite(best) ? best.toFixed(4) : "—"}</td>
                  <td className="muted">{formatDate(a.updatedAt)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
    </Panel>
  );
}
