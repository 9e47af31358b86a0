"use client";

import type { EngineOptions } from "@sous/contracts";
import { useState } from "react";
import type { ClusterAttachment } from "@/shared/api/python-notebook-cluster-endpoints.ts";
import { apiCall, Badge, Button, errorMessage, Select } from "@/ui/index.ts";

// "Attach to cluster" for a Python notebook (issue #17): pick a Databricks compute profile, attach
// (the cluster is reused, started or created and waited for, which can take minutes), and the
// cells run there through the Command Execution API until Detach. The attachment is the caller's.

export function ClusterAttach({
  projectId,
  notebookId,
  options,
  attachment,
  onChange,
}: {
  projectId: string;
  notebookId: string;
  options: EngineOptions;
  attachment: ClusterAttachment;
  onChange: (a: ClusterAttachment) => void;
}) {
  const profiles = options.connections.flatMap((c) =>
    c.profiles.map((p) => ({ key: `${c.id}:${p.id}`, label: `${c.name} · ${p.name}`, c: c.id, p: p.id })),
  );
  const [picked, setPicked] = useState(profiles[0]?.key ?? "");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const params = { projectId, notebookId };

  async function attach() {
    const p = profiles.find((x) => x.key === picked);
    if (!p) return;
    setBusy(true);
    setError(null);
    try {
      onChange(
        await apiCall("POST /projects/{projectId}/python-notebooks/{notebookId}/cluster", {
          params,
          body: { connectionId: p.c, profileId: p.p },
        }),
      );
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  async function detach() {
    setBusy(true);
    setError(null);
    try {
      onChange(
        await apiCall("DELETE /projects/{projectId}/python-notebooks/{notebookId}/cluster", { params }),
      );
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  if (profiles.length === 0 && !attachment.attached) return null;
  return (
    <span className="nb-engine" data-testid="cluster-attach-bar">
      {attachment.attached ? (
        <>
          <Badge tone="accent" testId="cluster-attached">
            Spark on {attachment.label}
          </Badge>
          <span className="muted" title={attachment.clusterId}>
            cluster {attachment.clusterId}
          </span>
          <Button size="sm" onClick={() => void detach()} loading={busy} data-testid="cluster-detach">
            Detach
          </Button>
        </>
      ) : (
        <>
          <Select
            aria-label="Databricks compute profile"
            value={picked}
            disabled={busy}
            onChange={(e) => setPicked(e.target.value)}
            data-testid="cluster-attach-select"
          >
            {profiles.map((p) => (
              <option key={p.key} value={p.key}>
                {p.label}
              </option>
            ))}
          </Select>
          <Button
            size="sm"
            onClick={() => void attach()}
            loading={busy}
            disabled={!picked}
            data-testid="cluster-attach"
            title="Run the cells on a cluster of this profile (started if needed) instead of the local kernel"
          >
            {busy ? "Attaching (starting the cluster)…" : "Attach to cluster"}
          </Button>
        </>
      )}
      {error ? (
        <span className="nb-engine-error" role="alert" data-testid="cluster-attach-error">
          {error}
        </span>
      ) : null}
    </span>
  );
}
