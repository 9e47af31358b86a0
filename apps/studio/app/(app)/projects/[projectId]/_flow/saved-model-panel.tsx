"use client";

import type { FlowNode } from "@sous/contracts";
import type { SavedModelDto } from "@sous/ml";
import Link from "next/link";
import { useEffect, useState } from "react";
import { apiCall, errorMessage } from "@/ui/api.ts";
import { Button, ButtonLink } from "@/ui/button.tsx";
import { Checkbox, FormError, Select } from "@/ui/field.tsx";
import { CloseIcon, LabIcon } from "@/ui/icons.tsx";
import { ALGORITHM_LABEL } from "../lab/lab-labels.ts";

type SavedModelNode = Extract<FlowNode, { type: "savedModel" }>;

/**
 * The side panel of a saved model on the Flow: its versions with the active one (which score
 * recipes use; activating another outdates their outputs), a link to the Lab, "Retrain" (a
 * training job on the dataset's current data that deploys a new version when it succeeds) and
 * "Score a dataset", which opens a new score recipe on the dataset picked.
 */
export function SavedModelPanel({
  projectId,
  node,
  datasets,
  canEdit,
  onClose,
  onChanged,
  onScore,
}: {
  projectId: string;
  node: SavedModelNode;
  datasets: { id: string; name: string }[];
  canEdit: boolean;
  onClose: () => void;
  onChanged: () => void;
  onScore: (datasetId: string) => void;
}) {
  const [model, setModel] = useState<SavedModelDto | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [target, setTarget] = useState("");
  const [activateNew, setActivateNew] = useState(true);
  const [retrain, setRetrain] = useState<{ jobId: string; state: string } | null>(null);
  const [loaded, setLoaded] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `loaded` asks for a reload (after a retrain)
  useEffect(() => {
    apiCall("GET /projects/{projectId}/saved-models/{savedModelId}", {
      params: { projectId, savedModelId: node.id },
    }).then(setModel, (e) => setError(errorMessage(e)));
  }, [projectId, node.id, loaded]);
  // A running retrain is polled until it ends; then the versions (and the Flow) reload.
  useEffect(() => {
    if (!retrain || ["SUCCEEDED", "FAILED", "CANCELLED"].includes(retrain.state)) return;
    const t = setTimeout(() => {
      apiCall("GET /projects/{projectId}/jobs/{jobId}", { params: { projectId, jobId: retrain.jobId } }).then(
        (j) => {
          setRetrain({ jobId: retrain.jobId, state: j.state });
          if (j.state === "SUCCEEDED") {
            setLoaded((n) => n + 1);
            onChanged();
          } else if (j.state === "FAILED") setError(j.error ?? "The retraining failed.");
        },
        (e) => setError(errorMessage(e)),
      );
    }, 1500);
    return () => clearTimeout(t);
  }, [retrain, projectId, onChanged]);
  const trainedOn = model ? datasets.find((d) => d.id === model.datasetId) : undefined;
  // Score another dataset than the training one by default (DSS scores "new" rows).
  const choice = target || (datasets.find((d) => d.id !== model?.datasetId) ?? datasets[0])?.id || "";

  async function activate(versionId: string) {
    setBusy(true);
    setError(null);
    try {
      setModel(
        await apiCall("PUT /projects/{projectId}/saved-models/{savedModelId}/active-version", {
          params: { projectId, savedModelId: node.id },
          body: { versionId },
        }),
      );
      onChanged();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  async function startRetrain() {
    setBusy(true);
    setError(null);
    try {
      const r = await apiCall("POST /projects/{projectId}/saved-models/{savedModelId}/retrain", {
        params: { projectId, savedModelId: node.id },
        body: { activate: activateNew },
      });
      setRetrain({ jobId: r.jobId, state: "QUEUED" });
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  const retraining = retrain !== null && !["SUCCEEDED", "FAILED", "CANCELLED"].includes(retrain.state);
  return (
    <aside className="side-panel" aria-label={`Saved model: ${node.name}`} data-testid="saved-model-panel">
      <div className="side-head">
        <span className="node-icon saved-model-icon">
          <svg
            width={18}
            height={18}
            viewBox="0 0 24 24"
            fill="none"
            stroke="currentColor"
            strokeWidth={2}
            aria-hidden="true"
          >
            <path d="M12 3 21 12 12 21 3 12z" />
          </svg>
        </span>
        <div className="side-title">
          <div className="kicker">Saved model{node.task ? ` · ${node.task}` : ""}</div>
          <h2 title={node.name}>{node.name}</h2>
        </div>
        <button
          type="button"
          className="icon-btn"
          aria-label="Close panel"
          onClick={onClose}
          data-testid="close-panel"
        >
          <CloseIcon />
        </button>
      </div>
      <div className="side-scroll">
        <section className="side-section">
          <div className="side-actions">
            <ButtonLink href={`/projects/${projectId}/lab`} icon={<LabIcon />} data-testid="saved-model-lab">
              Open the Lab
            </ButtonLink>
          </div>
          {trainedOn ? <p className="muted">Trained on {trainedOn.name}.</p> : null}
        </section>
        <section className="side-section">
          <h3>Versions</h3>
          {model ? (
            <ul className="schema-list" data-testid="saved-model-versions">
              {model.versions.map((v) => (
                <li key={v.id} data-active={v.active} data-testid={`saved-model-version-${v.number}`}>
                  <span className="col-name">
                    v{v.number} · {ALGORITHM_LABEL[v.algorithm.algorithm]}
                    {v.active ? " · active" : ""}
                    {v.portable ? "" : " · no SQL form"}
                  </span>
                  {canEdit && !v.active ? (
                    <Button
                      variant="ghost"
                      disabled={busy}
                      onClick={() => void activate(v.id)}
                      data-testid={`saved-model-activate-${v.number}`}
                    >
                      Activate
                    </Button>
                  ) : null}
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">Loading…</p>
          )}
          <p className="muted small">
            Score recipes use the active version; activating another outdates their outputs.
          </p>
        </section>
        {canEdit ? (
          <section className="side-section" data-testid="saved-model-retrain-section">
            <h3>Retrain</h3>
            <p className="muted small">
              Trains the active version's design again on the current data of{" "}
              {trainedOn?.name ?? "its dataset"}, then deploys the result as a new version.
            </p>
            <Checkbox
              label="Activate the new version"
              checked={activateNew}
              onChange={(e) => setActivateNew(e.target.checked)}
              data-testid="saved-model-retrain-activate"
            />
            <div className="side-actions">
              <Button
                variant="primary"
                disabled={busy || retraining || !model?.versions.length}
                onClick={() => void startRetrain()}
                data-testid="saved-model-retrain"
              >
                {retraining ? "Retraining…" : "Retrain"}
              </Button>
            </div>
            {retrain ? (
              <p className="muted small" data-testid="saved-model-retrain-state">
                <Link href={`/projects/${projectId}/jobs/${retrain.jobId}`}>Retraining job</Link>:{" "}
                {retrain.state.toLowerCase()}
              </p>
            ) : null}
          </section>
        ) : null}
        {canEdit ? (
          <section className="side-section">
            <h3>Score a dataset</h3>
            <Select
              aria-label="Dataset to score"
              data-testid="saved-model-score-input"
              value={choice}
              onChange={(e) => setTarget(e.target.value)}
            >
              {datasets.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name}
                </option>
              ))}
            </Select>
            <div className="side-actions">
              <Button
                variant="primary"
                disabled={!choice}
                onClick={() => onScore(choice)}
                data-testid="saved-model-score"
              >
                Score a dataset
              </Button>
            </div>
          </section>
        ) : null}
        <FormError message={error} testId="saved-model-panel-error" />
      </div>
    </aside>
  );
}
