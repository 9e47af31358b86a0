"use client";

import type { DatabricksConnection, DatabricksUsage } from "@sous/contracts";
import Link from "next/link";
import { useEffect, useState } from "react";
import { apiCall, errorMessage } from "@/ui/api.ts";
import { Button } from "@/ui/button.tsx";
import { plural } from "@/ui/format.ts";
import { ModalDialog, ModalFoot } from "@/ui/modal-dialog.tsx";

/**
 * Deleting a workspace names what runs on it first: the projects whose engine it is and the
 * recipes that override theirs with it go back to the local engine (projects) or to their
 * project's engine (recipes) in the same request, so no project is left on a deleted engine.
 */
export function DeleteWorkspaceDialog({
  connection: c,
  onDeleted,
  onClose,
}: {
  connection: DatabricksConnection;
  onDeleted: () => void;
  onClose: () => void;
}) {
  const [usage, setUsage] = useState<DatabricksUsage | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    apiCall("GET /admin/databricks/connections/{connectionId}/usage", { params: { connectionId: c.id } })
      .then((u) => live && setUsage(u))
      .catch((e) => live && setError(errorMessage(e)));
    return () => {
      live = false;
    };
  }, [c.id]);

  const used = usage !== null && (usage.projects.length > 0 || usage.recipes.length > 0);

  async function remove() {
    setBusy(true);
    setError(null);
    try {
      // force only once the users were shown: they are what the confirmation is about.
      await apiCall("DELETE /admin/databricks/connections/{connectionId}", {
        params: { connectionId: c.id },
        query: { force: used ? "true" : "false" },
      });
      onDeleted();
    } catch (e) {
      setError(errorMessage(e));
      setBusy(false);
    }
  }

  return (
    <ModalDialog
      title={`Delete the workspace ${c.name}?`}
      subtitle={c.workspaceUrl}
      busy={busy}
      onClose={onClose}
      testId="dbx-delete-dialog"
    >
      <div className="modal-body dbx-delete-body" data-testid="dbx-delete-usage">
        <p>
          Its token and {usage ? plural(usage.profiles.length, "compute profile") : "compute profiles"} are
          deleted. Datasets already built stay. This cannot be undone.
        </p>
        {usage === null && !error ? (
          <p className="muted small" role="status">
            <span className="spinner spinner-sm" aria-hidden="true" /> Looking for what runs on it…
          </p>
        ) : null}
        {usage?.projects.length ? (
          <div data-testid="dbx-delete-projects">
            <strong>
              {usage.projects.length === 1 ? "1 project runs" : `${usage.projects.length} projects run`} on it
            </strong>
            <span className="muted small"> · they will run locally (DuckDB)</span>
            <ul className="dbx-delete-list">
              {usage.projects.map((p) => (
                <li key={p.id}>
                  <Link href={`/projects/${p.id}`}>{p.name}</Link>
                </li>
              ))}
            </ul>
          </div>
        ) : null}
        {usage?.recipes.length ? (
          <div data-testid="dbx-delete-recipes">
            <strong>
              {usage.recipes.length === 1 ? "1 recipe overrides" : `${usage.recipes.length} recipes override`}{" "}
              its project's engine with it
            </strong>
            <span className="muted small"> · they will follow their project's engine</span>
            <ul className="dbx-delete-list">
              {usage.recipes.map((r) => (
                <li key={r.id}>
                  <Link href={`/projects/${r.projectId}/recipes/${r.id}`}>
                    {r.projectName} / {r.name}
                  </Link>
                </li>
              ))}
            </ul>
          </div>
        ) : null}
        {usage && !used ? (
          <p className="muted small" data-testid="dbx-delete-unused">
            No project or recipe runs on it.
          </p>
        ) : null}
      </div>
      <ModalFoot error={error} errorTestId="dbx-delete-error" busy={busy} onCancel={onClose}>
        <Button
          variant="danger"
          loading={busy}
          disabled={busy || usage === null}
          onClick={() => void remove()}
          data-testid="dbx-delete-confirm"
        >
          {used ? "Delete and move them to local" : "Delete workspace"}
        </Button>
      </ModalFoot>
    </ModalDialog>
  );
}
