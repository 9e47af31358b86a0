"use client";

import type { DatabricksConnection } from "@sous/contracts";
import { type FormEvent, useState } from "react";
import { apiCall, errorMessage } from "@/ui/api.ts";
import { Button } from "@/ui/button.tsx";
import { Field, FormError, Input, Select } from "@/ui/field.tsx";
import { PlusIcon } from "@/ui/icons.tsx";

/** New workspace: URL, token (write-only), isolation, what the cluster sees and the container behind it. */
export function ConnectionForm({ onCreated }: { onCreated: (c: DatabricksConnection) => void }) {
  const [name, setName] = useState("");
  const [workspaceUrl, setWorkspaceUrl] = useState("");
  const [token, setToken] = useState("");
  const [isolation, setIsolation] = useState<"service" | "per-user">("service");
  const [storagePrefix, setStoragePrefix] = useState("dbfs:/mnt/sous");
  const [storageKind, setStorageKind] = useState<"installation" | "azure-blob">("installation");
  const [container, setContainer] = useState("");
  const [blobPrefix, setBlobPrefix] = useState("");
  const [connectionString, setConnectionString] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const created = await apiCall("POST /admin/databricks/connections", {
        body: {
          name,
          workspaceUrl,
          ...(token ? { token } : {}),
          isolation,
          storagePrefix,
          storage:
            storageKind === "installation"
              ? { kind: "installation" }
              : {
                  kind: "azure-blob",
                  container,
                  blobPrefix,
                  ...(connectionString ? { connectionString } : {}),
                },
        },
      });
      // The secrets leave the page state as soon as the server has them.
      setToken("");
      setConnectionString("");
      setName("");
      onCreated(created);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      className="form-stack"
      onSubmit={submit}
      aria-label="Add a Databricks workspace"
      data-testid="dbx-new-form"
    >
      <div className="form-row">
        <Field label="Name" className="grow" hint="e.g. dev, qualif, prod">
          {({ id }) => (
            <Input
              id={id}
              data-testid="dbx-name"
              required
              value={name}
              onChange={(e) => setName(e.target.value)}
            />
          )}
        </Field>
        <Field label="Workspace URL" className="grow" hint="https://adb-<id>.<n>.azuredatabricks.net">
          {({ id }) => (
            <Input
              id={id}
              data-testid="dbx-url"
              required
              value={workspaceUrl}
              onChange={(e) => setWorkspaceUrl(e.target.value)}
            />
          )}
        </Field>
      </div>
      <div className="form-row">
        <Field label="Personal access token" className="grow" hint="Encrypted at rest; never shown again.">
          {({ id }) => (
            <Input
              id={id}
              data-testid="dbx-token"
              type="password"
              autoComplete="off"
              value={token}
              onChange={(e) => setToken(e.target.value)}
            />
          )}
        </Field>
        <Field label="Jobs run under" className="grow">
          {({ id }) => (
            <Select
              id={id}
              data-testid="dbx-isolation"
              value={isolation}
              onChange={(e) => setIsolation(e.target.value as "service" | "per-user")}
            >
              <option value="service">this token (one service token for everyone)</option>
              <option value="per-user">each user's own token</option>
            </Select>
          )}
        </Field>
      </div>
      <div className="form-row">
        <Field
          label="Storage prefix the cluster sees"
          className="grow"
          hint="dbfs:/mnt/<name>, abfss://<container>@<account>.dfs.core.windows.net/… or /Volumes/<c>/<s>/<v>"
        >
          {({ id }) => (
            <Input
              id={id}
              data-testid="dbx-prefix"
              required
              value={storagePrefix}
              onChange={(e) => setStoragePrefix(e.target.value)}
            />
          )}
        </Field>
        <Field label="It maps to" className="grow">
          {({ id }) => (
            <Select
              id={id}
              data-testid="dbx-storage-kind"
              value={storageKind}
              onChange={(e) => setStorageKind(e.target.value as "installation" | "azure-blob")}
            >
              <option value="installation">the storage Sous keeps datasets in</option>
              <option value="azure-blob">an Azure Blob container</option>
            </Select>
          )}
        </Field>
      </div>
      {storageKind === "azure-blob" ? (
        <div className="form-row">
          <Field label="Container" className="grow">
            {({ id }) => (
              <Input
                id={id}
                data-testid="dbx-container"
                value={container}
                onChange={(e) => setContainer(e.target.value)}
              />
            )}
          </Field>
          <Field label="Folder in the container" className="grow" hint="Empty = the container's root">
            {({ id }) => (
              <Input
                id={id}
                data-testid="dbx-blob-prefix"
                value={blobPrefix}
                onChange={(e) => setBlobPrefix(e.target.value)}
              />
            )}
          </Field>
          <Field label="Storage connection string" className="grow" hint="Write-only, encrypted">
            {({ id }) => (
              <Input
                id={id}
                data-testid="dbx-blob-credentials"
                type="password"
                autoComplete="off"
                value={connectionString}
                onChange={(e) => setConnectionString(e.target.value)}
              />
            )}
          </Field>
        </div>
      ) : null}
      <FormError message={error} testId="dbx-new-error" />
      <div>
        <Button type="submit" variant="primary" icon={<PlusIcon />} loading={busy} data-testid="dbx-create">
          Add workspace
        </Button>
      </div>
    </form>
  );
}
