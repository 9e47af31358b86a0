"use client";

import { type FormEvent, useState } from "react";
import { apiCall, errorMessage } from "@/ui/api.ts";
import { Button } from "@/ui/button.tsx";
import { Field, Input, Select } from "@/ui/field.tsx";
import { ModalDialog, ModalFoot } from "@/ui/modal-dialog.tsx";
import { useToast } from "@/ui/toast.tsx";

// "Deploy to Flow": a new saved model, or a new version (made active) of one trained on the
// same dataset.

export function DeployDialog({
  projectId,
  trainingId,
  modelIndex,
  defaultName,
  savedModels,
  onClose,
}: {
  projectId: string;
  trainingId: string;
  modelIndex: number;
  defaultName: string;
  savedModels: { id: string; name: string }[];
  onClose: () => void;
}) {
  const toast = useToast();
  const [target, setTarget] = useState<string>("new");
  const [name, setName] = useState(defaultName);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const m = await apiCall("POST /projects/{projectId}/ml/trainings/{trainingId}/deploy", {
        params: { projectId, trainingId },
        body: target === "new" ? { modelIndex, name } : { modelIndex, savedModelId: target },
      });
      const v = m.versions.find((x) => x.active);
      toast(`${m.name} version ${v?.number ?? ""} is deployed and active.`, "success");
      onClose();
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  }

  return (
    <ModalDialog title="Deploy to Flow" busy={busy} onClose={onClose} testId="deploy-dialog">
      <form className="modal-form" onSubmit={submit}>
        <div className="modal-body">
          {savedModels.length ? (
            <Field label="Deploy as">
              {({ id }) => (
                <Select id={id} value={target} onChange={(e) => setTarget(e.target.value)}>
                  <option value="new">A new saved model</option>
                  {savedModels.map((m) => (
                    <option key={m.id} value={m.id}>
                      A new version of {m.name}
                    </option>
                  ))}
                </Select>
              )}
            </Field>
          ) : null}
          {target === "new" ? (
            <Field label="Name" hint="How the saved model appears in the Flow">
              {({ id, describedBy }) => (
                <Input
                  id={id}
                  aria-describedby={describedBy}
                  value={name}
                  onChange={(e) => setName(e.target.value)}
                  required
                  maxLength={120}
                  data-autofocus
                  data-testid="deploy-name"
                />
              )}
            </Field>
          ) : null}
        </div>
        <ModalFoot error={error} errorTestId="deploy-error" busy={busy} onCancel={onClose}>
          <Button type="submit" disabled={busy} data-testid="deploy-submit">
            {busy ? "Deploying…" : "Deploy"}
          </Button>
        </ModalFoot>
      </form>
    </ModalDialog>
  );
}
