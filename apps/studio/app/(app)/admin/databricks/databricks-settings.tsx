"use client";

import type { ComputeProfile, ConnectionTestResult, DatabricksConnection } from "@sous/contracts";
import { useState } from "react";
import { apiCall, errorMessage } from "@/ui/api.ts";
import { Badge } from "@/ui/badge.tsx";
import { Button } from "@/ui/button.tsx";
import { FormError, Input } from "@/ui/field.tsx";
import { EmptyState, Panel } from "@/ui/panel.tsx";
import { useToast } from "@/ui/toast.tsx";
import { ConnectionForm } from "./connection-form.tsx";
import { DeleteWorkspaceDialog } from "./delete-workspace-dialog.tsx";
import { ProfileEditor } from "./profile-editor.tsx";

export function DatabricksSettings({
  initialConnections,
  initialProfiles,
}: {
  initialConnections: DatabricksConnection[];
  initialProfiles: Record<string, ComputeProfile[]>;
}) {
  const [connections, setConnections] = useState(initialConnections);
  const [profiles, setProfiles] = useState(initialProfiles);
  const replace = (c: DatabricksConnection) => setConnections((cs) => cs.map((x) => (x.id === c.id ? c : x)));
  return (
    <div className="stack-24">
      {connections.length === 0 ? (
        <Panel>
          <EmptyState title="No Databricks workspace yet" testId="dbx-empty">
            Add one below. Without an Azure account, run the local emulator (<code>npm start</code> offers it
            as “Databricks (local emulator)”).
          </EmptyState>
        </Panel>
      ) : (
        connections.map((c) => (
          <ConnectionCard
            key={c.id}
            connection={c}
            profiles={profiles[c.id] ?? []}
            onChange={replace}
            onDeleted={() => setConnections((cs) => cs.filter((x) => x.id !== c.id))}
            onProfiles={(ps) => setProfiles((all) => ({ ...all, [c.id]: ps }))}
          />
        ))
      )}
      <Panel title="Add a workspace">
        <ConnectionForm
          onCreated={(c) => {
            setConnections((cs) => [...cs, c].sort((a, b) => a.name.localeCompare(b.name)));
            setProfiles((all) => ({ ...all, [c.id]: [] }));
          }}
        />
      </Panel>
    </div>
  );
}

function ConnectionCard({
  connection: c,
  profiles,
  onChange,
  onDeleted,
  onProfiles,
}: {
  connection: DatabricksConnection;
  profiles: ComputeProfile[];
  onChange: (c: DatabricksConnection) => void;
  onDeleted: () => void;
  onProfiles: (ps: ComputeProfile[]) => void;
}) {
  const toast = useToast();
  const [testing, setTesting] = useState(false);
  const [result, setResult] = useState<ConnectionTestResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [newToken, setNewToken] = useState("");
  const [newBlob, setNewBlob] = useState("");
  const reenterBlob = c.token.unreadable && c.storage.kind === "azure-blob";
  const [saving, setSaving] = useState(false);
  const [deleting, setDeleting] = useState(false);

  async function test() {
    setTesting(true);
    setError(null);
    try {
      setResult(
        await apiCall("POST /admin/databricks/connections/{connectionId}/test", {
          params: { connectionId: c.id },
        }),
      );
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setTesting(false);
    }
  }

  async function saveToken() {
    setSaving(true);
    setError(null);
    try {
      onChange(
        await apiCall("PUT /admin/databricks/connections/{connectionId}", {
          params: { connectionId: c.id },
          body: {
            token: newToken,
            // Sealed with the token under the old key: it must come again too.
            ...(reenterBlob && c.storage.kind === "azure-blob"
              ? {
                  storage: {
                    kind: "azure-blob",
                    container: c.storage.container,
                    blobPrefix: c.storage.blobPrefix,
                    connectionString: newBlob,
                  },
                }
              : {}),
          },
        }),
      );
      setNewToken("");
      setNewBlob("");
      toast("Token replaced.", "success");
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setSaving(false);
    }
  }

  return (
    <Panel
      testId={`dbx-connection-${c.name}`}
      title={
        <>
          {c.name}{" "}
          <Badge tone={c.isolation === "service" ? "accent" : "neutral"}>
            {c.isolation === "service" ? "service token" : "per-user tokens"}
          </Badge>
        </>
      }
      actions={
        <>
          <Button size="sm" onClick={test} loading={testing} data-testid="dbx-test">
            Test connection
          </Button>
          <Button size="sm" variant="danger" onClick={() => setDeleting(true)} data-testid="dbx-delete">
            Delete
          </Button>
          {deleting ? (
            <DeleteWorkspaceDialog
              connection={c}
              onDeleted={() => {
                setDeleting(false);
                toast(`Deleted the workspace ${c.name}.`, "success");
                onDeleted();
              }}
              onClose={() => setDeleting(false)}
            />
          ) : null}
        </>
      }
    >
      <dl className="dbx-facts">
        <dt>Workspace</dt>
        <dd className="mono">{c.workspaceUrl}</dd>
        <dt>Token</dt>
        <dd
          data-testid="dbx-token-state"
          data-unreadable={String(c.token.unreadable)}
          className={c.token.unreadable ? "dbx-unreadable" : undefined}
        >
          {c.token.unreadable
            ? `set, but unreadable with the current key: re-enter it${c.token.last4 ? ` (ended with ${c.token.last4})` : ""}`
            : c.token.set
              ? `set · ends with ${c.token.last4}`
              : "not set"}
        </dd>
        <dt>Cluster sees</dt>
        <dd className="mono">{c.storagePrefix}</dd>
        <dt>Mapped to</dt>
        <dd>
          {c.storage.kind === "installation"
            ? "the storage Sous keeps datasets in"
            : `container ${c.storage.container}${c.storage.blobPrefix ? `/${c.storage.blobPrefix}` : ""}${
                c.storage.account ? ` of account ${c.storage.account}` : ""
              } (credentials ${c.storage.credentialsSet ? "set" : "not set"})`}
        </dd>
      </dl>
      <div className="form-row" style={{ marginTop: 12 }}>
        <Input
          aria-label="New token"
          placeholder={c.token.set ? "Replace the token" : "Set the token"}
          type="password"
          autoComplete="off"
          data-testid="dbx-new-token"
          value={newToken}
          onChange={(e) => setNewToken(e.target.value)}
        />
        {reenterBlob ? (
          <Input
            aria-label="Blob connection string"
            placeholder="Blob connection string (unreadable too)"
            type="password"
            autoComplete="off"
            data-testid="dbx-new-blob"
            value={newBlob}
            onChange={(e) => setNewBlob(e.target.value)}
          />
        ) : null}
        <Button
          size="sm"
          onClick={saveToken}
          loading={saving}
          disabled={newToken.length === 0 || (reenterBlob && newBlob.length === 0)}
          data-testid="dbx-save-token"
        >
          Save token
        </Button>
      </div>
      <FormError message={error} testId="dbx-error" />
      {result ? (
        <ul className="dbx-checks" data-testid="dbx-test-result" data-ok={String(result.ok)}>
          {result.checks.map((check) => (
            <li key={check.name} data-testid={`dbx-check-${check.name}`} data-ok={String(check.ok)}>
              <Badge tone={check.ok ? "success" : "danger"}>{check.name}</Badge> {check.message}
            </li>
          ))}
        </ul>
      ) : null}
      <h3 className="dbx-subtitle">Compute profiles</h3>
      <ProfileEditor connectionId={c.id} profiles={profiles} onProfiles={onProfiles} />
    </Panel>
  );
}
