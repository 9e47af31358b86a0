"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import type { NotebookSummary } from "@/shared/api/notebook-schemas.ts";
import { apiCall, errorMessage } from "@/ui/api.ts";
import { Button } from "@/ui/button.tsx";
import { Field, FormError, Input } from "@/ui/field.tsx";
import { formatDate, plural } from "@/ui/format.ts";
import { PlusIcon } from "@/ui/icons.tsx";
import { EmptyState, Panel } from "@/ui/panel.tsx";

export function NotebooksHome({
  projectId,
  canEdit,
  notebooks,
}: {
  projectId: string;
  canEdit: boolean;
  notebooks: NotebookSummary[];
}) {
  const router = useRouter();
  const [name, setName] = useState("");
  // Python notebooks (.ipynb in the caller's own Jupyter kernel) have their own page.
  const [kind, setKind] = useState<"sql" | "python">("sql");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function create(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const init = { params: { projectId }, body: { name: name.trim() } };
      const nb =
        kind === "python"
          ? await apiCall("POST /projects/{projectId}/python-notebooks", init)
          : await apiCall("POST /projects/{projectId}/notebooks", init);
      router.push(`/projects/${projectId}/${kind === "python" ? "python-notebooks" : "notebooks"}/${nb.id}`);
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  }

  return (
    <div className="stack-24">
      {canEdit ? (
        <Panel title="New notebook">
          <form className="nb-create" onSubmit={(e) => void create(e)}>
            <Field label="Name">
              {({ id, describedBy, invalid }) => (
                <Input
                  id={id}
                  aria-describedby={describedBy}
                  aria-invalid={invalid}
                  value={name}
                  onChange={(e) => setName(e.target.value)}
                  placeholder="e.g. Orders exploration"
                  data-testid="notebook-name"
                  required
                />
              )}
            </Field>
            <Field label="Kind">
              {({ id }) => (
                <select
                  id={id}
                  className="input select"
                  value={kind}
                  onChange={(e) => setKind(e.target.value === "python" ? "python" : "sql")}
                  data-testid="notebook-kind"
                >
                  <option value="sql">SQL</option>
                  <option value="python">Python</option>
                </select>
              )}
            </Field>
            <Button
              type="submit"
              variant="primary"
              icon={<PlusIcon />}
              loading={busy}
              data-testid="notebook-create"
            >
              Create
            </Button>
            <FormError message={error} />
          </form>
        </Panel>
      ) : null}
      <Panel title="Notebooks" testId="notebooks-list">
        {notebooks.length === 0 ? (
          <EmptyState title="No notebook yet">
            A SQL notebook is a list of SQL cells over the project's datasets: explore, then save a cell as a
            dataset of the Flow. A Python notebook runs Python cells in your own Jupyter kernel.
          </EmptyState>
        ) : (
          <table className="nb-table">
            <thead>
              <tr>
                <th>Notebook</th>
                <th className="num">Cells</th>
                <th>Changed</th>
              </tr>
            </thead>
            <tbody>
              {notebooks.map((n) => (
                <tr key={n.id}>
                  <td>
                    <Link
                      href={`/projects/${projectId}/${n.kind === "python" ? "python-notebooks" : "notebooks"}/${n.id}`}
                      data-testid="notebook-link"
                    >
                      {n.name}
                    </Link>
                    {n.kind === "python" ? <span className="muted"> · Python</span> : null}
                  </td>
                  <td className="num">{plural(n.cellCount, "cell")}</td>
                  <td>{formatDate(n.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Panel>
    </div>
  );
}
