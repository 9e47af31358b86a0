"use client";

import { ObjectNameSchema, type Recipe } from "@sous/contracts";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { apiCall, errorMessage } from "@/ui/api.ts";
import { Button } from "@/ui/button.tsx";
import { Field, Input } from "@/ui/field.tsx";
import { TrashIcon } from "@/ui/icons.tsx";
import { ModalDialog, ModalFoot } from "@/ui/modal-dialog.tsx";
import { useToast } from "@/ui/toast.tsx";

// Rename and Delete on the dataset page, over PATCH / DELETE /projects/{p}/datasets/{d}. The
// delete confirmation names the recipes that read the dataset (the API refuses while they do, so
// the confirmation stays disabled; a reader added after the dialog opened gets the API's 409
// message shown as it is) and the recipe that writes it (deleted with it).

export function DatasetActions({
  projectId,
  datasetId,
  name,
}: {
  projectId: string;
  datasetId: string;
  name: string;
}) {
  const [open, setOpen] = useState<"rename" | "delete" | null>(null);
  return (
    <>
      <Button size="sm" variant="ghost" onClick={() => setOpen("rename")} data-testid="dataset-rename">
        Rename
      </Button>
      <Button
        size="sm"
        variant="ghost"
        icon={<TrashIcon size={14} />}
        onClick={() => setOpen("delete")}
        data-testid="dataset-delete"
      >
        Delete
      </Button>
      {open === "rename" ? (
        <RenameDialog projectId={projectId} datasetId={datasetId} name={name} onClose={() => setOpen(null)} />
      ) : null}
      {open === "delete" ? (
        <DeleteDialog projectId={projectId} datasetId={datasetId} name={name} onClose={() => setOpen(null)} />
      ) : null}
    </>
  );
}

function RenameDialog({
  projectId,
  datasetId,
  name,
  onClose,
}: {
  projectId: string;
  datasetId: string;
  name: string;
  onClose: () => void;
}) {
  const router = useRouter();
  const notify = useToast();
  const [value, setValue] = useState(name);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const parsed = ObjectNameSchema.safeParse(value);
  const nameError = parsed.success ? null : `Name: ${parsed.error.issues[0]?.message ?? "not allowed"}.`;
  const unchanged = parsed.success && parsed.data === name;

  async function save() {
    setBusy(true);
    setError(null);
    try {
      const d = await apiCall("PATCH /projects/{projectId}/datasets/{datasetId}", {
        params: { projectId, datasetId },
        body: { name: value.trim() },
      });
      notify(`Renamed to ${d.name}.`, "success");
      onClose();
      router.refresh();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <ModalDialog title={`Rename ${name}`} busy={busy} onClose={onClose} testId="rename-dialog">
      <form
        className="modal-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (!nameError && !unchanged) void save();
        }}
      >
        <div className="modal-body">
          <Field label="New name" error={nameError}>
            {({ id, describedBy, invalid }) => (
              <Input
                id={id}
                aria-describedby={describedBy}
                aria-invalid={invalid}
                value={value}
                maxLength={128}
                data-autofocus
                onChange={(e) => {
                  setValue(e.target.value);
                  setError(null);
                }}
                data-testid="rename-input"
              />
            )}
          </Field>
        </div>
        <ModalFoot error={error} errorTestId="rename-error" busy={busy} onCancel={onClose}>
          <Button
            type="submit"
            variant="primary"
            loading={busy}
            disabled={busy || nameError !== null || unchanged}
            data-testid="rename-submit"
          >
            Rename
          </Button>
        </ModalFoot>
      </form>
    </ModalDialog>
  );
}

function DeleteDialog({
  projectId,
  datasetId,
  name,
  onClose,
}: {
  projectId: string;
  datasetId: string;
  name: string;
  onClose: () => void;
}) {
  const router = useRouter();
  const notify = useToast();
  const [recipes, setRecipes] = useState<Recipe[] | null>(null);
  /** The Lab's analyses of it and the saved models trained on it: the delete takes them too. */
  const [trained, setTrained] = useState<{ savedModels: string[]; analyses: string[] } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    Promise.all([
      apiCall("GET /projects/{projectId}/recipes", { params: { projectId } }),
      apiCall("GET /projects/{projectId}/saved-models", { params: { projectId } }),
      apiCall("GET /projects/{projectId}/ml/analyses", { params: { projectId } }),
    ])
      .then(([r, models, analyses]) => {
        if (!live) return;
        setRecipes(r);
        setTrained({
          savedModels: models.filter((m) => m.datasetId === datasetId).map((m) => m.name),
          analyses: analyses.filter((a) => a.datasetId === datasetId).map((a) => a.name),
        });
      })
      .catch((e) => {
        if (live) setError(errorMessage(e));
      });
    return () => {
      live = false;
    };
  }, [projectId, datasetId]);

  const readers = (recipes ?? []).filter((r) => r.inputs.includes(datasetId));
  const writer = (recipes ?? []).find((r) => r.outputs.length === 1 && r.outputs[0] === datasetId);

  async function remove() {
    setBusy(true);
    setError(null);
    try {
      // force deletes what was trained on it, listed above (readers must be gone: the button says so).
      const withModels = (trained?.savedModels.length ?? 0) + (trained?.analyses.length ?? 0) > 0;
      await apiCall("DELETE /projects/{projectId}/datasets/{datasetId}", {
        params: { projectId, datasetId },
        query: { force: withModels ? "true" : "false" },
      });
      notify(`Deleted ${name}.`, "success");
      onClose();
      router.push(`/projects/${projectId}`);
    } catch (e) {
      setError(errorMessage(e)); // a 409 names the recipes still reading it: shown as it is
      setBusy(false);
    }
  }

  return (
    <ModalDialog title={`Delete ${name}?`} busy={busy} onClose={onClose} testId="delete-dialog">
      <div className="modal-body" data-testid="delete-impact">
        <p>Its data and every stored version are deleted. This cannot be undone.</p>
        {recipes === null && !error ? (
          <p className="muted small" role="status">
            <span className="spinner spinner-sm" aria-hidden="true" /> Looking for the recipes that use it…
          </p>
        ) : null}
        {writer ? (
          <p className="small">
            The recipe that writes it, <strong>{writer.name}</strong>, is deleted with it.
          </p>
        ) : null}
        {readers.length > 0 ? (
          <p className="small" data-testid="delete-readers">
            Read by {readers.length === 1 ? "the recipe" : "the recipes"}{" "}
            {readers.map((r, i) => (
              <span key={r.id}>
                {i > 0 ? ", " : ""}
                <strong>{r.name}</strong>
              </span>
            ))}
            : delete {readers.length === 1 ? "it" : "them"} first (on the Flow).
          </p>
        ) : recipes ? (
          <p className="muted small" data-testid="delete-readers">
            No recipe reads it.
          </p>
        ) : null}
        {trained && trained.savedModels.length + trained.analyses.length > 0 ? (
          <p className="small" data-testid="delete-trained">
            Trained on it, deleted with it:{" "}
            {[
              ...trained.savedModels.map((n) => `saved model ${n}`),
              ...trained.analyses.map((n) => `Lab analysis ${n}`),
            ].map((what, i) => (
              <span key={what}>
                {i > 0 ? ", " : ""}
                <strong>{what}</strong>
              </span>
            ))}
            . A model that an API endpoint serves must be taken out of it first.
          </p>
        ) : null}
      </div>
      <ModalFoot error={error} errorTestId="delete-error" busy={busy} onCancel={onClose}>
        <Button
          variant="danger"
          loading={busy}
          disabled={busy || recipes === null || readers.length > 0}
          title={readers.length > 0 ? "Delete the recipes that read it first." : undefined}
          onClick={() => void remove()}
          data-testid="delete-confirm"
        >
          Delete dataset
        </Button>
      </ModalFoot>
    </ModalDialog>
  );
}
