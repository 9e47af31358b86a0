"use client";

import type { FlowNode } from "@sous/contracts";
import type { SavedModelDto } from "@sous/ml";
import { useEffect, useState } from "react";
import { apiCall, errorMessage } from "@/ui/api.ts";
import { Button, ButtonLink } from "@/ui/button.tsx";
import { FormError, Select } from "@/ui/field.tsx";
import { CloseIcon, LabIcon } from "@/ui/icons.tsx";

type SavedModelNode = Extract<FlowNode, { type: "savedModel" }>;

/**
 * The side panel of a saved model on the Flow: its versions with the active one (which score
 * recipes use; activating another outdates their outputs), a link to the Lab, and "Score a
 * dataset", which opens a new score recipe on the dataset picked.
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
  useEffect(() => {
    apiCall("GET /projects/{projectId}/saved-models/{savedModelId}", {
      params: { projectId, savedModelId: node.id },
    }).then(setModel, (e) => setError(errorMessage(e)));
  }, [projectId, node.id]);
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
                    v{v.number} · {v.algorithm.algorithm}
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
